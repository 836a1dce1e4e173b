//! The hook-tool wire protocol: one request and one answer per connection on a unix socket.
//!
//! A frame is a 4-byte big-endian length and that many bytes. A request is the frames of its
//! context id, tool, working directory, a 4-byte count of arguments and a frame for each, a
//! byte saying whether standard input is sent, and a frame with it (empty when not sent); an
//! answer is a 4-byte big-endian exit code, then a stdout frame and a stderr frame.
//!
//! This file uses nothing but `std`: the small hook-tool client (`formula-hook-tool`, which
//! `cli/build.rs` compiles on its own) includes it as it is, so that it starts as fast as
//! `true` does.

use std::io::{self, Read, Write};

/// The largest frame accepted (relation settings are capped at 16 MiB in Juju).
pub const MAX_FRAME: usize = 32 * 1024 * 1024;

/// The largest request accepted, all frames together: a client that sends more is cut off.
pub const MAX_REQUEST: usize = MAX_FRAME + 1024 * 1024;

/// The most arguments a request may have.
pub const MAX_ARGS: usize = 64 * 1024;

/// The exit code that asks the client to call again with its standard input.
pub const NEEDS_STDIN: i32 = -100;

/// A hook tool call.
#[derive(Clone, Debug, PartialEq)]
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
    pub has_stdin: bool,
    /// Standard input, when sent.
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

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn put_frame(buf: &mut Vec<u8>, bytes: &[u8]) -> io::Result<()> {
    if bytes.len() > MAX_FRAME {
        let message = format!("{} bytes are over the limit of {MAX_FRAME}", bytes.len());
        return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
    }
    buf.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    buf.extend_from_slice(bytes);
    Ok(())
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut bytes = [0u8; 4];
    r.read_exact(&mut bytes)?;
    Ok(u32::from_be_bytes(bytes))
}

/// Reads a frame; memory grows with what arrives, not with the length a client claims.
fn read_frame(r: &mut impl Read) -> io::Result<Vec<u8>> {
    let len = read_u32(r)? as usize;
    if len > MAX_FRAME {
        return Err(invalid(format!("frame of {len} bytes is too large")));
    }
    let mut buf = Vec::new();
    r.take(len as u64).read_to_end(&mut buf)?;
    if buf.len() != len {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the connection ended inside a frame"));
    }
    Ok(buf)
}

fn read_text(r: &mut impl Read, what: &str) -> io::Result<String> {
    String::from_utf8(read_frame(r)?).map_err(|_| invalid(format!("the {what} is not UTF-8")))
}

/// The bytes of a request, to be written in one write: each write on a socket may wake the
/// reader, and frames written one by one cost a call several wake-ups.
pub fn encode_request(request: &Request) -> io::Result<Vec<u8>> {
    let args: usize = request.args.iter().map(|a| 4 + a.len()).sum();
    let mut buf = Vec::with_capacity(21 + request.context.len() + request.tool.len() + request.cwd.len() + args);
    put_frame(&mut buf, request.context.as_bytes())?;
    put_frame(&mut buf, request.tool.as_bytes())?;
    put_frame(&mut buf, request.cwd.as_bytes())?;
    if request.args.len() > MAX_ARGS {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "too many arguments"));
    }
    buf.extend_from_slice(&(request.args.len() as u32).to_be_bytes());
    for arg in &request.args {
        put_frame(&mut buf, arg.as_bytes())?;
    }
    buf.push(u8::from(request.has_stdin));
    put_frame(&mut buf, &request.stdin)?;
    if buf.len() > MAX_REQUEST {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "the request is too large"));
    }
    Ok(buf)
}

/// Writes a request, in one write.
pub fn write_request(w: &mut impl Write, request: &Request) -> io::Result<()> {
    w.write_all(&encode_request(request)?)?;
    w.flush()
}

/// Reads a request, refusing one larger than [`MAX_REQUEST`] or not well formed.
pub fn read_request(r: &mut impl Read) -> io::Result<Request> {
    let r = &mut r.take(MAX_REQUEST as u64);
    let context = read_text(r, "context id")?;
    let tool = read_text(r, "tool name")?;
    let cwd = read_text(r, "working directory")?;
    let count = read_u32(r)? as usize;
    if count > MAX_ARGS {
        return Err(invalid(format!("{count} arguments are too many")));
    }
    let mut args = Vec::new();
    for _ in 0..count {
        args.push(read_text(r, "argument")?);
    }
    let mut flag = [0u8; 1];
    r.read_exact(&mut flag)?;
    let has_stdin = match flag[0] {
        0 => false,
        1 => true,
        other => return Err(invalid(format!("stdin flag {other} is neither 0 nor 1"))),
    };
    let stdin = read_frame(r)?;
    Ok(Request { context, tool, args, cwd, has_stdin, stdin })
}

/// The length of the request that `bytes` starts with, as far as its frames' lengths are
/// there (`None`: more bytes are needed to know it), for a server that reads as bytes
/// arrive. Refuses a frame, an argument count or a whole request over the limits as soon as
/// it is announced, before its bytes come.
pub fn request_len(bytes: &[u8]) -> io::Result<Option<usize>> {
    let u32_at = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let mut at = 0;
    let frame = |at: &mut usize| -> io::Result<Option<()>> {
        let Some(len) = u32_at(*at) else { return Ok(None) };
        if len > MAX_FRAME {
            return Err(invalid(format!("frame of {len} bytes is too large")));
        }
        *at += 4 + len;
        if *at > MAX_REQUEST {
            return Err(invalid(format!("a request of more than {MAX_REQUEST} bytes is too large")));
        }
        Ok(Some(()))
    };
    for _ in 0..3 {
        if frame(&mut at)?.is_none() {
            return Ok(None);
        }
    }
    let Some(count) = u32_at(at) else { return Ok(None) };
    if count > MAX_ARGS {
        return Err(invalid(format!("{count} arguments are too many")));
    }
    at += 4;
    for _ in 0..count {
        if frame(&mut at)?.is_none() {
            return Ok(None);
        }
    }
    match bytes.get(at) {
        None => return Ok(None),
        Some(0 | 1) => at += 1,
        Some(other) => return Err(invalid(format!("stdin flag {other} is neither 0 nor 1"))),
    }
    Ok(frame(&mut at)?.map(|()| at))
}

/// Writes a response, in one write (see [`encode_request`]).
pub fn write_response(w: &mut impl Write, response: &Response) -> io::Result<()> {
    let mut buf = Vec::with_capacity(12 + response.stdout.len() + response.stderr.len());
    buf.extend_from_slice(&response.code.to_be_bytes());
    put_frame(&mut buf, &response.stdout)?;
    put_frame(&mut buf, &response.stderr)?;
    w.write_all(&buf)?;
    w.flush()
}

/// Reads a response.
pub fn read_response(r: &mut impl Read) -> io::Result<Response> {
    let code = read_u32(r)? as i32;
    Ok(Response { code, stdout: read_frame(r)?, stderr: read_frame(r)? })
}

/// Calls a tool over the socket at `socket` (the client side, used by the hook-tool client);
/// reads standard input with `read_stdin` only if the tool asks for it.
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

    fn request() -> Request {
        Request {
            context: "c".into(),
            tool: "relation-get".into(),
            args: vec!["-r".into(), "db:1".into(), String::new()],
            cwd: "/".into(),
            has_stdin: true,
            stdin: b"x".to_vec(),
        }
    }

    #[test]
    fn round_trip() {
        let request = request();
        let mut buf = Vec::new();
        write_request(&mut buf, &request).unwrap();
        assert_eq!(read_request(&mut buf.as_slice()).unwrap(), request);
        let response = Response { code: -100, stdout: b"out".to_vec(), stderr: b"ERROR x\n".to_vec() };
        let mut buf = Vec::new();
        write_response(&mut buf, &response).unwrap();
        assert_eq!(read_response(&mut buf.as_slice()).unwrap(), response);
    }

    #[test]
    fn oversized_frames_are_refused() {
        let mut buf = (u32::MAX).to_be_bytes().to_vec();
        buf.extend_from_slice(b"junk");
        let e = read_request(&mut buf.as_slice()).unwrap_err();
        assert!(e.to_string().contains("too large"), "{e}");
    }

    #[test]
    fn a_request_cut_short_or_malformed_is_refused() {
        let whole = encode_request(&request()).unwrap();
        for cut in 0..whole.len() {
            assert!(read_request(&mut &whole[..cut]).is_err(), "a request cut at {cut} bytes was read");
        }
        let mut bad_flag = whole.clone();
        let flag_at = whole.len() - 5 - 1;
        bad_flag[flag_at] = 7;
        assert!(read_request(&mut bad_flag.as_slice()).unwrap_err().to_string().contains("stdin flag 7"));
        let mut too_many = Vec::new();
        for field in ["c", "t", "/"] {
            put_frame(&mut too_many, field.as_bytes()).unwrap();
        }
        too_many.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(read_request(&mut too_many.as_slice()).unwrap_err().to_string().contains("too many"));
    }

    #[test]
    fn the_length_of_a_request_is_known_from_its_frames_alone() {
        let whole = encode_request(&request()).unwrap();
        for cut in 0..=whole.len() {
            match request_len(&whole[..cut]).unwrap() {
                Some(len) => assert_eq!(len, whole.len(), "cut at {cut}"),
                None => assert!(cut < whole.len() - 1, "the length is known once the stdin frame's length is"),
            }
        }
        // Garbage announces a frame far over the limit: refused at once.
        let e = request_len(b"GET / HTTP/1.1\r\n").unwrap_err();
        assert!(e.to_string().contains("too large"), "{e}");
    }

    #[test]
    fn a_request_larger_than_the_limit_is_cut_off() {
        // Many frames each under the frame limit, together over the request limit.
        let mut buf = Vec::new();
        for field in ["c", "t", "/"] {
            put_frame(&mut buf, field.as_bytes()).unwrap();
        }
        let arg = vec![b'a'; MAX_FRAME];
        buf.extend_from_slice(&2u32.to_be_bytes());
        put_frame(&mut buf, &arg).unwrap();
        put_frame(&mut buf, &arg).unwrap();
        assert!(read_request(&mut buf.as_slice()).is_err());
        let huge = Request { args: vec!["a".repeat(MAX_FRAME), "a".repeat(MAX_FRAME)], ..request() };
        assert!(encode_request(&huge).is_err());
    }
}
