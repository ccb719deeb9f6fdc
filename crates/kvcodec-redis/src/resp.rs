//! Reading and writing the packed (RESP) form of commands, for the sync `ConnectionLike`
//! methods that receive bytes rather than `Cmd`s.
//!
//! Only the form redis-rs writes is accepted: arrays of bulk strings, `*N\r\n($L\r\n…\r\n)*`.

use std::ops::Range;

/// A packed command that is not an array of bulk strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset of the problem.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "packed command: expected {} at byte {}",
            self.expected, self.offset
        )
    }
}

/// The argument ranges of each command in `packed`, in order.
pub fn parse_commands(packed: &[u8]) -> Result<Vec<Vec<Range<usize>>>, ParseError> {
    let mut pos = 0;
    let mut commands = Vec::new();
    while pos < packed.len() {
        let n = read_len(packed, &mut pos, b'*', "'*' and an argument count")?;
        let mut args = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            let len = read_len(packed, &mut pos, b'$', "'$' and a bulk string length")?;
            let end = pos
                .checked_add(len)
                .filter(|end| end + 2 <= packed.len() && &packed[*end..*end + 2] == b"\r\n")
                .ok_or(ParseError {
                    offset: pos,
                    expected: "a bulk string of the declared length and CRLF",
                })?;
            args.push(pos..end);
            pos = end + 2;
        }
        commands.push(args);
    }
    Ok(commands)
}

fn read_len(
    buf: &[u8],
    pos: &mut usize,
    marker: u8,
    expected: &'static str,
) -> Result<usize, ParseError> {
    let err = ParseError {
        offset: *pos,
        expected,
    };
    if buf.get(*pos) != Some(&marker) {
        return Err(err);
    }
    let start = *pos + 1;
    let digits = buf[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 18 || buf.get(start + digits..start + digits + 2) != Some(b"\r\n") {
        return Err(err);
    }
    let n = std::str::from_utf8(&buf[start..start + digits])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or(err)?;
    *pos = start + digits + 2;
    Ok(n)
}

/// Appends one command in packed form.
pub fn write_command<A: AsRef<[u8]>>(args: &[A], out: &mut Vec<u8>) {
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_redis_rs_packing() {
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg("k")
            .arg(&b"\r\n$3\r\n"[..])
            .cmd("GET")
            .arg("k");
        let packed = pipe.get_packed_pipeline();
        let cmds = parse_commands(&packed).unwrap();
        let names: Vec<&[u8]> = cmds.iter().map(|c| &packed[c[0].clone()]).collect();
        assert_eq!(names, [&b"MULTI"[..], b"SET", b"GET", b"EXEC"]);
        assert_eq!(&packed[cmds[1][2].clone()], b"\r\n$3\r\n");
        let mut again = Vec::new();
        for c in &cmds {
            let args: Vec<&[u8]> = c.iter().map(|r| &packed[r.clone()]).collect();
            write_command(&args, &mut again);
        }
        assert_eq!(again, packed);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            &b"PING\r\n"[..],
            b"*1\r\n$4\r\nPIN",
            b"*1\r\n$x\r\n",
            b"*2\r\n$1\r\na\r\n",
            b"*1\r\n$99999999999999999999\r\n",
        ] {
            assert!(parse_commands(bad).is_err(), "{bad:?}");
        }
    }
}
