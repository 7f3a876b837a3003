//! The language server: converts LSP requests to engine queries and back.
//!
//! # Design
//!
//! * **Documents** live in ropes ([`ropey::Rope`]) in one shared state behind
//!   a `std::sync::Mutex`. `didOpen`/`didChange`/`didClose` apply their edit
//!   synchronously, before any `.await`, so the concurrent handlers of
//!   tower-lsp-server cannot reorder them (ebkalderon/tower-lsp#284); a change
//!   whose version is not newer than the document's is dropped.
//! * **Analysis** runs in one task that owns the [`Workspace`] and the last
//!   [`Index`]. Woken by a change, it waits the debounce (`debounceMs` in
//!   `initializationOptions`, default [`DEFAULT_DEBOUNCE_MS`]), takes the
//!   dirty ropes, and on a blocking thread rebuilds the index (re-parsing only
//!   changed files: `Index::build(ws, Some(prev))`), runs the rules and
//!   converts the findings. Results of a round overtaken by newer edits are
//!   not published; the next round starts at once.
//! * **Diagnostics** are published for the edited files and for every other
//!   file whose diagnostic set changed (a PRD edit clears an OpenAPI finding).
//! * **Requests** wait for the snapshot that includes every edit received
//!   before them, then run on a blocking thread; if the document has changed
//!   meanwhile they answer `ContentModified`. A panic in a handler is caught
//!   (`JoinError`), logged, and answered with an internal error.
//! * **Positions** are negotiated: UTF-8 when the client offers it, else
//!   UTF-16; conversion goes through [`crate::text`] only.
//! * **Settings**: `initializationOptions` and `workspace/didChangeConfiguration`
//!   may carry `severities` (rule → off|hint|info|warning|error) and
//!   `releaseMode` (mvp|full), over `specgate.toml`; `initializationOptions`
//!   also takes `debounceMs`.
//! * **Logs** go to `window/logMessage` and, when `SPECGATE_LOG` names a file,
//!   to that file; never to stdout, which carries the protocol.
//!
//! # Commands
//!
//! * `specgate.inventory` (server, `workspace/executeCommand`, no
//!   arguments): returns the Endpoint Inventory as a Markdown string.
//! * `specgate.showReferences` (client side, used by code lenses): arguments
//!   `[uri, position, locations]` in LSP JSON, exactly like VS Code's
//!   `editor.action.showReferences` once converted by the extension.
//!
//! [`Workspace`]: crate::workspace::Workspace
//! [`Index`]: crate::index::Index

mod convert;
mod log;
mod server;
mod state;

pub use server::Backend;

use tower_lsp_server::{LspService, Server};

/// Debounce between a change and its analysis, unless the client sets
/// `initializationOptions.debounceMs`.
pub const DEFAULT_DEBOUNCE_MS: u64 = 5;

/// Name of the command that returns the Endpoint Inventory.
pub const INVENTORY_COMMAND: &str = "specgate.inventory";
/// Client-side command the code lenses use to show locations.
pub const SHOW_REFERENCES_COMMAND: &str = "specgate.showReferences";
/// The code action kind of "apply every safe fix of this file".
pub const FIX_ALL_KIND: &str = "source.fixAll.specgate";

/// Serves LSP on `input`/`output` until the client sends `exit` or closes
/// the input. In-process tests call this over a duplex stream.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (service, socket) = LspService::new(Backend::new);
    Server::new(input, output, socket).serve(service).await;
}

/// Runs the server on stdin/stdout until the client exits.
pub fn run() {
    log::install_panic_hook();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("specgate-lsp")
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("specgate lsp: cannot start the runtime: {e}");
            return;
        }
    };
    rt.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Do not wait for a long analysis still running on a blocking thread.
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
}
