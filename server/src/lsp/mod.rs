//! The language server: converts LSP requests to engine queries and back.

/// Runs the server on stdin/stdout until the client exits.
pub fn run() {
    eprintln!("specgate lsp: not implemented yet");
}
