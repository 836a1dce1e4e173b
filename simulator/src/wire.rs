//! The hook-tool wire protocol: one request and one answer per connection on a unix socket.
//!
//! A frame is a 4-byte big-endian length and that many bytes. A request is a JSON header
//! frame (context id, tool, arguments, working directory) and a frame with standard input
//! (empty when the tool does not read it); an answer is a JSON frame with the exit code,
//! then a stdout frame and a stderr frame.

use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};

/// The largest frame accepted (relation settings are capped at 16 MiB in Juju).
pub const MAX_FRAME: usize = 32 * 1024 * 1024;

/// The exit code that asks the client to call again with its standard input.
pub const NEEDS_STDIN: i32 = -100;

/// A hook tool call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// `JUJU_CONTEXT_ID` of the calling hook.
    pub context: String,
    /// The tool's name (`relation-get`).
    pub tool: String,
    /// Its arguments.
    pub args: Vec<String>,
    /// The caller's working directory.
    pub cwd: String,
    /// Whether standard input is sent (the first try of a call does not send it; a tool
    /// that needs it answers [`NEEDS_STDIN`] and the client calls again with it).
    #[serde(default)]
    pub has_stdin: bool,
    /// Standard input, when sent.
    #[serde(skip)]
    pub stdin: Vec<u8>,
}

/// The answer to a call.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Response {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: Vec<u8>,
    /// Standard error.
    pub stderr: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct ResponseHeader {
    code: i32,
}

fn write_frame(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(bytes)
}

fn read_frame(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes is too large")));
    }
    let mut buf = vec![0u8; len];
    r.read_exact(&mut buf)?;
    Ok(buf)
}

/// Writes a request, in one write: each write on a socket may wake the reader, and frames
/// written one by one cost a call several wake-ups.
pub fn write_request(w: &mut impl Write, request: &Request) -> io::Result<()> {
    let header = serde_json::to_vec(request).map_err(io::Error::other)?;
    let mut buf = Vec::with_capacity(8 + header.len() + request.stdin.len());
    write_frame(&mut buf, &header)?;
    write_frame(&mut buf, &request.stdin)?;
    w.write_all(&buf)?;
    w.flush()
}

/// Reads a request.
pub fn read_request(r: &mut impl Read) -> io::Result<Request> {
    let header = read_frame(r)?;
    let mut request: Request =
        serde_json::from_slice(&header).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    request.stdin = read_frame(r)?;
    Ok(request)
}

/// Writes a response, in one write (see [`write_request`]).
pub fn write_response(w: &mut impl Write, response: &Response) -> io::Result<()> {
    let header = serde_json::to_vec(&ResponseHeader { code: response.code }).map_err(io::Error::other)?;
    let mut buf = Vec::with_capacity(12 + header.len() + response.stdout.len() + response.stderr.len());
    write_frame(&mut buf, &header)?;
    write_frame(&mut buf, &response.stdout)?;
    write_frame(&mut buf, &response.stderr)?;
    w.write_all(&buf)?;
    w.flush()
}

/// Reads a response.
pub fn read_response(r: &mut impl Read) -> io::Result<Response> {
    let header: ResponseHeader =
        serde_json::from_slice(&read_frame(r)?).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    Ok(Response { code: header.code, stdout: read_frame(r)?, stderr: read_frame(r)? })
}

/// Calls a tool over the socket at `socket` (the client side, used by the `formula` binary
/// when it runs as a hook tool); reads standard input with `read_stdin` only if the tool
/// asks for it.
pub fn call(socket: &std::path::Path, request: &Request, read_stdin: impl FnOnce() -> Vec<u8>) -> io::Result<Response> {
    let once = |request: &Request| -> io::Result<Response> {
        let mut stream = std::os::unix::net::UnixStream::connect(socket)?;
        write_request(&mut stream, request)?;
        read_response(&mut io::BufReader::new(stream))
    };
    let response = once(request)?;
    if response.code != NEEDS_STDIN {
        return Ok(response);
    }
    let mut again = request.clone();
    again.has_stdin = true;
    again.stdin = read_stdin();
    once(&again)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let request = Request {
            context: "c".into(),
            tool: "relation-get".into(),
            args: vec!["-r".into(), "db:1".into()],
            cwd: "/".into(),
            has_stdin: true,
            stdin: b"x".to_vec(),
        };
        let mut buf = Vec::new();
        write_request(&mut buf, &request).unwrap();
        assert_eq!(read_request(&mut buf.as_slice()).unwrap(), request);
        let response = Response { code: 2, stdout: b"out".to_vec(), stderr: b"ERROR x\n".to_vec() };
        let mut buf = Vec::new();
        write_response(&mut buf, &response).unwrap();
        assert_eq!(read_response(&mut buf.as_slice()).unwrap(), response);
    }

    #[test]
    fn oversized_frames_are_refused() {
        let mut buf = (u32::MAX).to_be_bytes().to_vec();
        buf.extend_from_slice(b"junk");
        assert!(read_request(&mut buf.as_slice()).is_err());
    }
}
