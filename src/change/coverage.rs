//! Coverage of a product by its test cases and a book.
