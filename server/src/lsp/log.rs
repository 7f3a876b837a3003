//! Logging to the client (`window/logMessage`) and to `$SPECGATE_LOG`.

use std::io::Write;
use std::sync::Mutex;
use tower_lsp_server::ls_types::MessageType;
use tower_lsp_server::Client;

/// Environment variable naming a log file (appended to).
pub const LOG_ENV: &str = "SPECGATE_LOG";

pub struct Logger {
    client: Client,
    file: Option<Mutex<std::fs::File>>,
}

fn open_log_file() -> Option<std::fs::File> {
    let path = std::env::var_os(LOG_ENV)?;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .ok()
}

fn stamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:03}", now.as_secs(), now.subsec_millis())
}

impl Logger {
    pub fn new(client: Client) -> Logger {
        Logger {
            client,
            file: open_log_file().map(Mutex::new),
        }
    }

    /// Logs a line; never blocks on the client.
    pub fn log(&self, typ: MessageType, msg: impl Into<String>) {
        let msg = msg.into();
        if let Some(f) = &self.file {
            let mut f = f.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(f, "{} {:?} {msg}", stamp(), typ);
        }
        if let Ok(h) = tokio::runtime::Handle::try_current() {
            let client = self.client.clone();
            h.spawn(async move { client.log_message(typ, msg).await });
        }
    }

    pub fn info(&self, msg: impl Into<String>) {
        self.log(MessageType::INFO, msg)
    }

    pub fn warn(&self, msg: impl Into<String>) {
        self.log(MessageType::WARNING, msg)
    }

    pub fn error(&self, msg: impl Into<String>) {
        self.log(MessageType::ERROR, msg)
    }
}

/// Logs a line to `$SPECGATE_LOG` only, for code that has no [`Logger`]
/// (the framing layer, which runs before and beside the server).
pub fn to_file(level: &str, msg: &str) {
    if let Some(mut f) = open_log_file() {
        let _ = writeln!(f, "{} {level} {msg}", stamp());
    }
}

/// Panics are caught by the server (they become error responses); the hook
/// only records them, on stderr and in `$SPECGATE_LOG`, never on stdout.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(mut f) = open_log_file() {
            let _ = writeln!(f, "{} PANIC {info}", stamp());
        }
        default(info);
    }));
}
