package demo;

/** Price calculations. */
public class Pricing {
    /**
     * Apply a percentage discount to the basket.
     *
     * @param basket the basket to change
     * @param percent the discount, 0 to 100
     * @return the new total
     */
    public int applyDiscount(Basket basket, int percent) {
        basket.setTotal(basket.getTotal() * (100 - percent) / 100);
        return basket.getTotal();
    }
}
