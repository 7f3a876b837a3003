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
//!   UTF-16; conversion goes through [`specgate_syntax::text`] only.
//! * **Settings**: `initializationOptions` and `workspace/didChangeConfiguration`
//!   may carry `severities` (rule → off|hint|info|warning|error) and
//!   `releaseMode` (mvp|full), over `specgate.toml`; `initializationOptions`
//!   also takes `debounceMs`.
//! * **Framing**: tower-lsp-server stops reading after the first message it
//!   cannot decode, so it reads and writes in-memory pipes, and `framing`
//!   does the client's stream: it forwards the well-formed messages, answers
//!   the others (not JSON, not JSON-RPC 2.0, a broken header, a body over
//!   64 MiB) with an error reply, skips to the next header, and is the only
//!   writer of the output, so replies never cut the server's frames.
//! * **Logs** go to `window/logMessage` and, when `SPECGATE_LOG` names a file,
//!   to that file; never to stdout, which carries the protocol.
//!
//! # Commands
//!
//! * `specgate.inventory` (server, `workspace/executeCommand`, no
//!   arguments): returns the Endpoint Inventory as a Markdown string.
//! * `specgate.report` (server, `workspace/executeCommand`; optional
//!   arguments: a document URI choosing the workspace, then `{"open":
//!   false}` when the client shows the page itself): writes the design
//!   review page (`specgate report`) to the temporary folder, asks the
//!   client to open it (`window/showDocument`, external) when it can, and
//!   returns its file URI.
//! * `specgate.showReferences` (client side, used by code lenses): arguments
//!   `[uri, position, locations]` in LSP JSON, exactly like VS Code's
//!   `editor.action.showReferences` once converted by the extension.
//!
//! [`Workspace`]: specgate_engine::workspace::Workspace
//! [`Index`]: specgate_engine::index::Index

mod convert;
mod framing;
mod log;
mod publish;
mod pull;
mod server;
mod state;
mod workspaces;

pub use server::Backend;

use tower_lsp_server::{LspService, Server};

/// Debounce between a change and its analysis, unless the client sets
/// `initializationOptions.debounceMs`.
pub const DEFAULT_DEBOUNCE_MS: u64 = 5;

/// Name of the command that returns the Endpoint Inventory.
pub const INVENTORY_COMMAND: &str = "specgate.inventory";
/// Name of the command that writes the design review page and opens it.
pub const REPORT_COMMAND: &str = "specgate.report";
/// Client-side command the code lenses use to show locations.
pub const SHOW_REFERENCES_COMMAND: &str = "specgate.showReferences";
/// The code action kind of "apply every safe fix of this file".
pub const FIX_ALL_KIND: &str = "source.fixAll.specgate";

/// Serves LSP on `input`/`output` until the client sends `exit` or closes
/// the input. In-process tests call this over a duplex stream.
///
/// tower-lsp-server stops reading at the first message it cannot decode,
/// so it does not read `input` itself: [`framing`] sits in between, over
/// in-memory pipes, and answers malformed messages itself.
pub async fn serve<I, O>(input: I, output: O)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (notes, notes_rx) = tokio::sync::mpsc::unbounded_channel();
    let publisher = publish::Publisher::new(notes);
    let (service, socket) = LspService::new(|client| Backend::new(client, publisher));
    let (to_server, server_input) = tokio::io::duplex(framing::PIPE_SIZE);
    let (server_output, from_server) = tokio::io::duplex(framing::PIPE_SIZE);
    let (replies, replies_rx) = tokio::sync::mpsc::channel(framing::REPLY_QUEUE);
    // `serve` consumes the server, so its ends of the pipes close when it
    // returns (after `exit`, or once its input ends), which ends `output`.
    let server = Server::new(server_input, server_output, socket).serve(service);
    let output = framing::write_output(from_server, replies_rx, notes_rx, output);
    let mut server_and_output = std::pin::pin!(async { tokio::join!(server, output) });
    let input = framing::forward_input(input, to_server, replies);
    // The input ends first when the client closes it: the server then sees
    // its own input end and finishes. After `exit` the server ends first,
    // and the input, likely blocked on a read, is dropped.
    let input_ended = tokio::select! {
        _ = &mut server_and_output => false,
        () = input => true,
    };
    if input_ended {
        server_and_output.await;
    }
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
