//! The settings pages in a browser.
