//! The auth pages in a browser.
