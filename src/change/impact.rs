//! Impact of a product change on a book.
