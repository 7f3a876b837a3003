//! The framing layer between the client's byte streams and tower-lsp-server.
//!
//! tower-lsp-server reads its input with a tokio-util `FramedRead`, which
//! ends the stream after the first decode error: a message whose body is not
//! JSON, is JSON but not a JSON-RPC 2.0 message, or whose header is broken
//! gets its error reply, and then `Server::serve` stops reading and returns,
//! so `specgate lsp` exited with stdin still open (ROBUSTNESS.md finding 2).
//!
//! So the server never sees such a message. [`forward_input`] reads the
//! `Content-Length` frames itself and forwards, unchanged, every body the
//! server's codec will decode; it answers the others itself, with the error
//! reply tower-lsp-server sends for them (`-32700 Parse error` or
//! `-32600 Invalid Request`, id `null`), and goes on with the next frame.
//! After a broken header it resynchronises on the next `Content-Length`;
//! a body over [`MAX_BODY`] is skipped without being held in memory.
//!
//! Those replies must not cut a frame of the server in two, so the server
//! does not write to the client's stream either: [`write_output`] is its
//! only writer. It reads the server's output frame by frame and writes
//! whole frames, the server's and the error replies, one after the other.

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};

/// The largest message body accepted. A bigger one is skipped and answered
/// with an error. It is far above a `didOpen` of the largest file the
/// workspace reads by default (`files.max_file_size`, 20 MiB), escaping
/// included, and keeps a client that sends a huge or bogus length from
/// making the server buffer gigabytes.
pub const MAX_BODY: usize = 64 << 20;

/// The largest header block (all header lines of a message). Real clients
/// send one or two short lines; more is garbage, and is skipped.
const MAX_HEADER: usize = 8 << 10;

/// Bytes read from a stream at a time.
const READ_CHUNK: usize = 64 << 10;

/// Capacity of the in-memory pipes to and from the server.
pub const PIPE_SIZE: usize = 256 << 10;

/// Error replies waiting for [`write_output`]. Bounded, so that a client
/// that floods garbage and never reads its replies blocks its own input
/// instead of growing the queue.
pub const REPLY_QUEUE: usize = 16;

/// What [`Framer`] reads from a stream.
#[derive(Debug, PartialEq)]
pub enum Frame {
    /// The body of a message whose header was valid (not checked further).
    Body(Vec<u8>),
    /// Bytes that are not a valid header, up to the next `Content-Length`
    /// (one `BadHeader` for a whole run of such bytes).
    BadHeader(&'static str),
    /// A header announcing a body over the limit; the body is skipped.
    TooLarge(usize),
}

/// Splits a byte stream into LSP messages (`Content-Length: N`, an empty
/// line, N bytes), LSP 3.17 "Base Protocol". Lenient where that costs
/// nothing: header names in any case, bare `\n` line ends, blank lines
/// between messages, other headers (`Content-Type`) ignored since the
/// body is checked as UTF-8 anyway.
pub struct Framer {
    buf: Vec<u8>,
    /// Start of the unread bytes of `buf`; the read ones are dropped on the
    /// next [`Framer::push`], not on every frame, to move the rest once.
    pos: usize,
    max_body: usize,
    /// Length of the body whose header was read, while it is incomplete.
    body_len: Option<usize>,
    /// Bytes of an oversized body still to drop.
    skip: usize,
    /// Inside a run of bytes that are not a header (reported once).
    resyncing: bool,
}

enum Header {
    Incomplete,
    Done {
        len: usize,
        content_length: usize,
    },
    /// `at`: where the offending line (or the block's end) starts; the
    /// lines before it were valid headers, so resynchronising restarts
    /// after it, not at one of them.
    Bad {
        why: &'static str,
        at: usize,
    },
}

fn bad(why: &'static str, at: usize) -> Header {
    Header::Bad { why, at }
}

/// A header name: an HTTP token.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether `name` is a header name (or, `partial`, the start of one).
/// Not when `Content-Length` is in it after other characters: that is
/// garbage run into a header (`abcContent-Length`, the rest of a body whose
/// length was too short), and the real header starts inside it.
fn is_name(name: &[u8], partial: bool) -> bool {
    (partial || !name.is_empty())
        && name.iter().all(|&b| is_token(b))
        && find_ignore_case(name, CONTENT_LENGTH).is_none_or(|i| i == 0)
}

const CONTENT_LENGTH: &[u8] = b"content-length";

/// Parses the header block at the start of `buf` (which does not start with
/// a line end).
fn parse_header(buf: &[u8]) -> Header {
    let mut pos = 0;
    let mut content_length = None;
    loop {
        let Some(nl) = buf[pos..].iter().position(|&b| b == b'\n') else {
            if buf.len() > MAX_HEADER {
                return bad("a header block longer than 8 KiB", pos);
            }
            // Fail early on a line that cannot become a header (a body sent
            // without a header, say), rather than wait for its line end.
            let line = &buf[pos..];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let name = line.split(|&b| b == b':').next().unwrap_or(line);
            if !is_name(name, true) {
                return bad("a line that is not a header", pos);
            }
            return Header::Incomplete;
        };
        let next = pos + nl + 1;
        let line = &buf[pos..pos + nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return match content_length {
                Some(n) => Header::Done {
                    len: next,
                    content_length: n,
                },
                None => bad("a header without Content-Length", pos),
            };
        }
        if next > MAX_HEADER {
            return bad("a header block longer than 8 KiB", pos);
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return bad("a line that is not a header", pos);
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if !is_name(name, false) {
            return bad("a line that is not a header", pos);
        }
        if name.eq_ignore_ascii_case(b"content-length") {
            let v = value.trim_ascii();
            let n = (!v.is_empty() && v.iter().all(u8::is_ascii_digit))
                .then(|| std::str::from_utf8(v).ok()?.parse::<usize>().ok())
                .flatten();
            match (n, content_length) {
                (None, _) => return bad("an invalid Content-Length", pos),
                (Some(n), Some(m)) if n != m => {
                    return bad("two different Content-Length headers", pos)
                }
                (Some(n), _) => content_length = Some(n),
            }
        }
        pos = next;
    }
}

/// Where `needle` (lowercase ASCII) starts in `hay`, in any case.
fn find_ignore_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

impl Framer {
    pub fn new(max_body: usize) -> Framer {
        Framer {
            buf: Vec::new(),
            pos: 0,
            max_body,
            body_len: None,
            skip: 0,
            resyncing: false,
        }
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.drain(..self.pos);
        self.pos = 0;
        // Do not keep the room of a huge message (up to MAX_BODY) for good.
        if self.buf.len() < READ_CHUNK && self.buf.capacity() > 16 * READ_CHUNK {
            self.buf.shrink_to(READ_CHUNK);
        }
        // An oversized body is dropped as it comes, never held.
        let drop = self.skip.min(data.len());
        self.skip -= drop;
        self.buf.extend_from_slice(&data[drop..]);
    }

    /// The next frame, or `None` until more bytes are pushed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(len) = self.body_len {
                let rest = &self.buf[self.pos..];
                if rest.len() < len {
                    return None;
                }
                let body = rest[..len].to_vec();
                self.pos += len;
                self.body_len = None;
                return Some(Frame::Body(body));
            }
            // Blank lines between messages are tolerated silently.
            let rest = &self.buf[self.pos..];
            self.pos += rest
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            let rest = &self.buf[self.pos..];
            if rest.is_empty() {
                return None;
            }
            let (why, at) = match parse_header(rest) {
                Header::Incomplete => return None,
                Header::Done {
                    len,
                    content_length,
                } => {
                    self.pos += len;
                    self.resyncing = false;
                    if content_length > self.max_body {
                        let have = (self.buf.len() - self.pos).min(content_length);
                        self.pos += have;
                        self.skip = content_length - have;
                        return Some(Frame::TooLarge(content_length));
                    }
                    self.body_len = Some(content_length);
                    continue;
                }
                Header::Bad { why, at } => (why, at),
            };
            // Resynchronise: drop everything up to the next `Content-Length`
            // after the start of the offending line (it may be in that very
            // line: `garbage}Content-Length: 5`, the rest of a body whose
            // length was too short). Without one, keep only a tail too short
            // to hold a whole `Content-Length` but that may start one, and
            // always drop at least a byte.
            let from = (at + 1).min(rest.len());
            let drop = match find_ignore_case(&rest[from..], CONTENT_LENGTH) {
                Some(i) => from + i,
                None => rest.len().saturating_sub(CONTENT_LENGTH.len() - 1).max(1),
            };
            self.pos += drop;
            if !self.resyncing {
                self.resyncing = true;
                return Some(Frame::BadHeader(why));
            }
        }
    }
}

/// The shape tower-lsp-server's codec decodes a body into: its private
/// `jsonrpc::Message`, a response or a request (notifications included),
/// mirrored with the same public types so that what passes here also
/// passes there.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // Only deserialized: that it succeeds is what counts.
enum Incoming {
    Response(Response),
    Request(Request),
}

/// Whether tower-lsp-server will decode `body`; if not, the error to reply.
/// The codes are the ones it would reply: `-32600` when the body is JSON
/// but not a JSON-RPC 2.0 message (`{"foo": 1}`, a batch, `"jsonrpc":
/// "1.0"`), `-32700` otherwise.
pub fn check_message(body: &[u8]) -> Result<(), Error> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(error(
            ErrorCode::ParseError,
            "Parse error: the message is not UTF-8".to_string(),
        ));
    };
    match serde_json::from_str::<Incoming>(text) {
        Ok(_) => Ok(()),
        Err(e) if e.is_data() => Err(error(
            ErrorCode::InvalidRequest,
            "Invalid Request: not a JSON-RPC 2.0 request, notification or response".to_string(),
        )),
        Err(e) => Err(error(ErrorCode::ParseError, format!("Parse error: {e}"))),
    }
}

fn error(code: ErrorCode, message: String) -> Error {
    Error {
        code,
        message: message.into(),
        data: None,
    }
}

/// The body of the reply to a message that has no usable id.
fn reply(e: Error) -> Vec<u8> {
    serde_json::to_vec(&Response::from_error(Id::Null, e)).unwrap_or_default()
}

/// The body to forward to the server (`Ok`), or the reply to send the
/// client instead (`Err`, logged).
fn triage(frame: Frame) -> Result<Vec<u8>, Vec<u8>> {
    let e = match frame {
        Frame::Body(body) => match check_message(&body) {
            Ok(()) => return Ok(body),
            Err(e) => e,
        },
        Frame::BadHeader(why) => error(
            ErrorCode::ParseError,
            format!("Parse error: {why}; skipped to the next Content-Length header"),
        ),
        Frame::TooLarge(n) => error(
            ErrorCode::InvalidRequest,
            format!(
                "Invalid Request: a message of {n} bytes, over the limit of {} MiB; skipped",
                MAX_BODY >> 20
            ),
        ),
    };
    super::log::to_file("WARNING", &format!("malformed message: {}", e.message));
    Err(reply(e))
}

/// Reads messages from `input` until it ends (or fails), forwarding those
/// the server can decode to `server` and queuing an error reply for the
/// others on `replies`. Returning drops `server`, so the server sees the end
/// of its input as it would the client's.
pub async fn forward_input<I, W>(mut input: I, mut server: W, replies: mpsc::Sender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut framer = Framer::new(MAX_BODY);
    let mut chunk = vec![0; READ_CHUNK];
    loop {
        while let Some(frame) = framer.next_frame() {
            match triage(frame) {
                Ok(body) => {
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    let sent = async {
                        server.write_all(header.as_bytes()).await?;
                        server.write_all(&body).await
                    };
                    if sent.await.is_err() {
                        return; // The server has stopped reading (after `exit`).
                    }
                }
                Err(reply) => {
                    if replies.send(reply).await.is_err() {
                        return;
                    }
                }
            }
        }
        match input.read(&mut chunk).await {
            Ok(0) => return,
            Ok(n) => framer.push(&chunk[..n]),
            Err(e) => {
                super::log::to_file("ERROR", &format!("reading the client's input: {e}"));
                return;
            }
        }
    }
}

/// Writes one whole message to the client.
async fn write_frame<O: AsyncWrite + Unpin>(output: &mut O, body: &[u8]) -> std::io::Result<()> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    output.write_all(header.as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

/// [`write_frame`] for [`write_output`]: a failed write is logged (the
/// client is gone) and ends the copying.
async fn write_or_log<O: AsyncWrite + Unpin>(output: &mut O, body: &[u8]) -> bool {
    match write_frame(output, body).await {
        Ok(()) => true,
        Err(e) => {
            super::log::to_file("ERROR", &format!("writing to the client: {e}"));
            false
        }
    }
}

/// The only writer of `output`: copies the server's messages (read from
/// `server`), the error replies (from `replies`) and the notifications the
/// analysis serialized itself (from `notes`, see `publish`) to it, whole,
/// until the server's output ends. Messages still queued then are dropped:
/// the server has exited.
pub async fn write_output<R, O>(
    mut server: R,
    mut replies: mpsc::Receiver<Vec<u8>>,
    mut notes: mpsc::UnboundedReceiver<Vec<u8>>,
    output: O,
) where
    R: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let mut output = std::pin::pin!(output);
    // The server's own output is well framed; no limit is needed.
    let mut framer = Framer::new(usize::MAX);
    let mut chunk = vec![0; READ_CHUNK];
    let mut replies_open = true;
    let mut notes_open = true;
    loop {
        tokio::select! {
            read = server.read(&mut chunk) => {
                let n = match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                framer.push(&chunk[..n]);
                while let Some(frame) = framer.next_frame() {
                    let Frame::Body(body) = frame else {
                        continue; // Cannot happen: tower-lsp-server frames its output.
                    };
                    if !write_or_log(&mut output, &body).await {
                        return;
                    }
                }
            }
            reply = replies.recv(), if replies_open => match reply {
                Some(body) if !write_or_log(&mut output, &body).await => return,
                Some(_) => {}
                None => replies_open = false,
            },
            note = notes.recv(), if notes_open => match note {
                Some(body) if !write_or_log(&mut output, &body).await => return,
                Some(_) => {}
                None => notes_open = false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// Every frame of `input`, pushed in pieces of `step` bytes.
    fn frames(input: &[u8], step: usize, max_body: usize) -> Vec<Frame> {
        let mut f = Framer::new(max_body);
        let mut out = Vec::new();
        for piece in input.chunks(step.max(1)) {
            f.push(piece);
            while let Some(fr) = f.next_frame() {
                out.push(fr);
            }
        }
        out
    }

    /// The same frames whatever the pieces the stream arrives in.
    fn frames_all_ways(input: &[u8], max_body: usize) -> Vec<Frame> {
        let whole = frames(input, input.len(), max_body);
        for step in [1, 2, 3, 7, 64] {
            assert_eq!(frames(input, step, max_body), whole, "pieces of {step}");
        }
        whole
    }

    fn body(s: &str) -> Frame {
        Frame::Body(s.as_bytes().to_vec())
    }

    #[test]
    fn well_formed_messages() {
        let mut input = frame(r#"{"a":1}"#);
        input.extend(frame("é😀中"));
        // Header names in any case, other headers, bare LF, blank lines.
        input.extend(b"\r\n\ncontent-length: 2\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n{}");
        input.extend(b"Content-Length:  0 \r\n\r\n");
        assert_eq!(
            frames_all_ways(&input, MAX_BODY),
            [body(r#"{"a":1}"#), body("é😀中"), body("{}"), body("")]
        );
    }

    #[test]
    fn bad_headers_resynchronise_on_the_next_content_length() {
        for (garbage, why) in [
            (
                &b"Content-Type: x\r\n\r\n{\"id\":1}"[..],
                "a header without Content-Length",
            ),
            (
                b"Content-Length: abc\r\n\r\n{}",
                "an invalid Content-Length",
            ),
            (b"Content-Length: -1\r\n\r\n", "an invalid Content-Length"),
            (
                b"Content-Length: 99999999999999999999999999\r\n\r\n",
                "an invalid Content-Length",
            ),
            (
                b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n",
                "two different Content-Length headers",
            ),
            // A body sent without a header, the rest of a body whose length
            // was too short, a line that is not a header.
            (
                b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}",
                "a line that is not a header",
            ),
            (b"ops\"}", "a line that is not a header"),
            (b"abc", "a line that is not a header"),
            (b"hello\r\n", "a line that is not a header"),
            (
                b"x-y: 1\r\nno colon here\r\n\r\n",
                "a line that is not a header",
            ),
        ] {
            let mut input = frame("first");
            input.extend(garbage);
            input.extend(frame("second"));
            let got = frames_all_ways(&input, MAX_BODY);
            assert_eq!(
                got,
                [body("first"), Frame::BadHeader(why), body("second")],
                "{}",
                String::from_utf8_lossy(garbage)
            );
        }
    }

    #[test]
    fn one_report_for_a_run_of_garbage() {
        let mut input = b"junk\r\nmore junk\r\nContent-Length: x\r\n\r\n".repeat(50);
        input.extend(frame("ok"));
        input.extend(b"Content-Length: oops\r\n\r\n");
        input.extend(frame("ok again"));
        assert_eq!(
            frames_all_ways(&input, MAX_BODY),
            [
                Frame::BadHeader("a line that is not a header"),
                body("ok"),
                Frame::BadHeader("an invalid Content-Length"),
                body("ok again"),
            ]
        );
    }

    #[test]
    fn long_garbage_without_line_ends_is_not_held() {
        // Header-like bytes (a token that never ends): given up after
        // MAX_HEADER, and the buffer stays small.
        let mut f = Framer::new(MAX_BODY);
        let mut reports = Vec::new();
        for _ in 0..200 {
            f.push(&[b'a'; 1000]);
            while let Some(fr) = f.next_frame() {
                reports.push(fr);
            }
            assert!(f.buf.len() - f.pos <= MAX_HEADER + 1000);
        }
        f.push(&frame("after"));
        while let Some(fr) = f.next_frame() {
            reports.push(fr);
        }
        assert_eq!(
            reports,
            [
                Frame::BadHeader("a header block longer than 8 KiB"),
                body("after")
            ]
        );
        // A header line cut at "Content-Le" is kept until it completes.
        let mut input = b"junk junk Content-Le".to_vec();
        input.extend(&frame("x")[10..]);
        assert_eq!(
            frames_all_ways(&input, MAX_BODY),
            [Frame::BadHeader("a line that is not a header"), body("x")]
        );
    }

    #[test]
    fn an_oversized_body_is_skipped_without_being_held() {
        let big = "x".repeat(1000);
        let mut input = frame(&big);
        input.extend(frame("small"));
        assert_eq!(
            frames_all_ways(&input, 100),
            [Frame::TooLarge(1000), body("small")]
        );
        // Pushed in pieces, the skipped body never enters the buffer.
        let mut f = Framer::new(100);
        f.push(b"Content-Length: 100000\r\n\r\n");
        assert_eq!(f.next_frame(), Some(Frame::TooLarge(100_000)));
        for _ in 0..99 {
            f.push(&[b'{'; 1000]);
            assert_eq!(f.next_frame(), None);
            assert_eq!(f.buf.len() - f.pos, 0);
        }
        let mut last = vec![b'{'; 1000];
        last.extend(frame("next"));
        f.push(&last);
        assert_eq!(f.next_frame(), Some(body("next")));
    }

    #[test]
    fn messages_are_checked_as_the_server_decodes_them() {
        let ok = [
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#,
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
            r#"{"jsonrpc":"2.0","id":"a","result":null}"#,
            r#"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no"}}"#,
            r#"{"jsonrpc":"2.0","id":5}"#, // The server answers -32601 itself.
        ];
        for m in ok {
            assert_eq!(check_message(m.as_bytes()), Ok(()), "{m}");
        }
        let code = |m: &[u8]| check_message(m).unwrap_err().code;
        for m in [
            &b"{\"jsonrpc\": \"2.0\", \"id\": 1, oops"[..],
            b"",
            b"  ",
            b"\xff\xfe{}",
            b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"} {}",
        ] {
            assert_eq!(
                code(m),
                ErrorCode::ParseError,
                "{}",
                String::from_utf8_lossy(m)
            );
        }
        for m in [
            &br#"{"foo": 1}"#[..],
            b"[1, 2, 3]",
            br#""just a string""#,
            b"42",
            br#"{"jsonrpc":"1.0","id":6,"method":"shutdown"}"#,
            br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
        ] {
            assert_eq!(
                code(m),
                ErrorCode::InvalidRequest,
                "{}",
                String::from_utf8_lossy(m)
            );
        }
        // The reply carries id null.
        let r: serde_json::Value =
            serde_json::from_slice(&reply(error(ErrorCode::ParseError, "Parse error".into())))
                .unwrap();
        assert_eq!(
            r,
            serde_json::json!({"jsonrpc": "2.0", "id": null,
                               "error": {"code": -32700, "message": "Parse error"}})
        );
    }
}
