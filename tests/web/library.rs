//! The library pages in a browser.
