"""The language server: adapts the core to LSP. No rule logic lives here."""
