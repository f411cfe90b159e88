"""A tiny in-memory inventory."""

from __future__ import annotations

import json

EVENTS: list[dict] = []


class Warehouse:
    """Holds stock levels.

    Args:
        name: The warehouse's name.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.stock: dict[str, int] = {}

    def restock(self, sku: str, quantity: int) -> int:
        """Add units of an item.

        Args:
            sku: The item.
            amount: How many units arrived.

        Returns:
            The new stock level.
        """
        self.stock[sku] = self.stock.get(sku, 0) + quantity
        return self.stock[sku]

    def remove_item(self, sku: str, force: bool = False) -> None:
        """Remove an item from the catalogue.

        Args:
            sku: The item to remove.
        """
        if self.stock.get(sku) and not force:
            raise ValueError(f"{sku} is still in stock")
        self.stock.pop(sku, None)

    def count(self, sku, location):  # codeassist: ignore[CA102]
        """Return how many units are on hand.

        Args:
            sku: The item.
        """
        return self.stock.get(sku, 0)

    def total_value(self, prices: dict[str, float]) -> float:
        """Value of everything in stock.

        Args:
            prices: Unit price by SKU.

        Returns:
            The sum of stock times price.
        """
        return sum(prices.get(sku, 0.0) * n for sku, n in self.stock.items())


def log_event(kind: str, payload: dict) -> None:
    """Record an event.

    Args:
        kind: The event type.
        payload: Event details.

    Returns:
        The id of the stored event.
    """
    print(json.dumps({"kind": kind, **payload}))


def load(path: str) -> Warehouse:
    """Load a warehouse from a JSON file.

    Args:
        path: The file to read.

    Raises:
        FileNotFoundError: When the file does not exist.
    """
    with open(path, encoding="utf-8") as stream:
        data = json.load(stream)
    if "name" not in data:
        raise KeyError("name")
    warehouse = Warehouse(data["name"])
    warehouse.stock.update(data.get("stock", {}))
    return warehouse


def find(warehouse: Warehouse, sku: str) -> int | None:
    """Return the stock level of an item.

    Args:
        warehouse: Where to look.
        sku: The item.

    Returns:
        The number of units on hand.

    Raises:
        KeyError: When the warehouse does not carry the item.
    """
    if sku not in warehouse.stock:
        return None
    return warehouse.stock[sku]
