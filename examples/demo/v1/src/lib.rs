/// Parse a stock-keeping unit code.
///
/// # Arguments
///
/// * `code` - The raw code, e.g. `AB-123`.
/// * `strict` - Reject lower-case codes.
///
/// # Returns
///
/// The normalised code.
pub fn parse_sku(code: &str, strict: bool) -> String {
    if strict {
        return code.trim().to_string();
    }
    code.trim().to_uppercase()
}
