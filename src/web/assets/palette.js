// The Ctrl/⌘+K command palette (filled in by the library pages).
