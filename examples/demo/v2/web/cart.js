/**
 * Add an item to the cart.
 * @param {Object} cart - The cart.
 * @param {string} sku - The item.
 * @param {string} currency - ISO currency code of the price.
 * @returns {number} The number of lines in the cart.
 */
export function addToCart(cart, sku) {
  cart.lines.push({ sku });
  return cart.lines.length;
}

/**
 * Empty the cart.
 * @param {Object} cart - The cart.
 */
export function clearCart(cart) {
  cart.lines = [];
}
