//! Bytes in, lines out: encoding detection, UTF-16 transcoding, and a bounded chunked line splitter.
//!
//! The reader never holds the whole text: it reads [`CHUNK`]-sized blocks, hands every complete line to a
//! callback as a byte slice, and carries the partial last line over to the next block.

use std::borrow::Cow;
use std::io::{self, Cursor, Read};

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::limits;
use super::types::{LasError, LasErrorKind, Warning, WarningKind};

/// Size of one read from the source. Big enough that per-read overhead vanishes, small enough to stay
/// in L2 cache on most machines.
pub(crate) const CHUNK: usize = 256 * 1024;

/// How many leading bytes are looked at to decide the encoding.
pub(crate) const SNIFF: usize = 4096;

/// The encoding of the byte stream as a whole, decided from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StreamEncoding {
    /// UTF-8, or bytes that are not UTF-8 and get decoded per line as windows-1252.
    Utf8 {
        bom: bool,
    },
    Utf16Le {
        bom: bool,
    },
    Utf16Be {
        bom: bool,
    },
}

/// Decide the stream encoding from its first bytes. UTF-16 without a BOM is recognised by its NUL bytes:
/// a text LAS file never contains NUL, while UTF-16 of ASCII text has one in every other byte.
pub(crate) fn sniff(head: &[u8]) -> StreamEncoding {
    if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return StreamEncoding::Utf8 { bom: true };
    }
    if head.starts_with(&[0xFF, 0xFE]) {
        return StreamEncoding::Utf16Le { bom: true };
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return StreamEncoding::Utf16Be { bom: true };
    }
    let pairs = head.len() / 2;
    if pairs >= 2 {
        let (mut even_zero, mut odd_zero) = (0usize, 0usize);
        for pair in head.chunks_exact(2) {
            even_zero += usize::from(pair[0] == 0);
            odd_zero += usize::from(pair[1] == 0);
        }
        // ASCII text in UTF-16: (almost) every high byte is zero, (almost) no low byte is.
        if odd_zero * 10 >= pairs * 8 && even_zero * 50 <= pairs {
            return StreamEncoding::Utf16Le { bom: false };
        }
        if even_zero * 10 >= pairs * 8 && odd_zero * 50 <= pairs {
            return StreamEncoding::Utf16Be { bom: false };
        }
    }
    StreamEncoding::Utf8 { bom: false }
}

/// A `Read` adapter that turns UTF-16 into UTF-8, streaming.
struct Utf16ToUtf8<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    eof: bool,
    done: bool,
}

impl<R: Read> Utf16ToUtf8<R> {
    fn new(inner: R, big_endian: bool) -> Self {
        let enc = if big_endian { UTF_16BE } else { UTF_16LE };
        Self {
            inner,
            decoder: enc.new_decoder_without_bom_handling(),
            buf: vec![0; 64 * 1024].into_boxed_slice(),
            start: 0,
            end: 0,
            eof: false,
            done: false,
        }
    }
}

impl<R: Read> Read for Utf16ToUtf8<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.done || out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = read_retrying(&mut self.inner, &mut self.buf)?;
                self.eof = self.end == 0;
            }
            let input = self.buf.get(self.start..self.end).unwrap_or(&[]);
            let (result, read, written, _) = self.decoder.decode_to_utf8(input, out, self.eof);
            self.start += read;
            if self.eof && result == encoding_rs::CoderResult::InputEmpty {
                // The decoder has been told this was the last input; it must not be called again.
                self.done = true;
                return Ok(written);
            }
            if written > 0 {
                return Ok(written);
            }
            if result == encoding_rs::CoderResult::OutputFull {
                return Err(io::Error::other("output buffer too small for UTF-16 transcoding"));
            }
        }
    }
}

fn read_retrying<R: Read>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn io_error(e: &io::Error) -> LasError {
    LasError {
        kind: LasErrorKind::Io,
        line: 0,
        column: None,
        message: format!("read failed: {e}"),
    }
}

/// The byte source after encoding detection: plain bytes, or UTF-16 transcoded to UTF-8.
enum Source<R> {
    Plain(std::io::Chain<Cursor<Vec<u8>>, R>),
    Utf16(Utf16ToUtf8<std::io::Chain<Cursor<Vec<u8>>, R>>),
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match self {
            Source::Plain(r) => r.read(out),
            Source::Utf16(r) => r.read(out),
        }
    }
}

/// Per-line text decoding: UTF-8 when valid, windows-1252 otherwise (every byte sequence is valid
/// windows-1252, so decoding never fails). The first fallback is recorded as one warning.
pub(crate) struct TextDecoder {
    pub encoding: &'static str,
    /// Set when a line was not UTF-8; the warning is emitted once.
    pub fallback_warning: Option<Warning>,
}

impl TextDecoder {
    pub(crate) fn new(encoding: &'static str) -> Self {
        Self {
            encoding,
            fallback_warning: None,
        }
    }

    pub(crate) fn decode<'a>(&mut self, line_no: usize, bytes: &'a [u8]) -> Cow<'a, str> {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => {
                if self.fallback_warning.is_none() {
                    self.encoding = WINDOWS_1252.name();
                    self.fallback_warning = Some(Warning {
                        line: line_no,
                        kind: WarningKind::Encoding,
                        message: "text is not valid UTF-8; lines that are not UTF-8 were decoded as \
                                  windows-1252"
                            .to_string(),
                    });
                }
                Cow::Owned(decode_1252(bytes))
            }
        }
    }
}

/// windows-1252 maps every byte to one character, so decoding cannot fail; the crate's allocating
/// helpers are behind a feature this workspace does not enable, hence the explicit buffer.
fn decode_1252(bytes: &[u8]) -> String {
    let mut decoder = WINDOWS_1252.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut out = vec![0u8; cap];
    let (_, _, written, _) = decoder.decode_to_utf8(bytes, &mut out, true);
    out.truncate(written);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Read the whole stream line by line, calling `f(line_number, bytes)` for every line (1-based numbers,
/// terminators `\n`, `\r\n` and lone `\r` all accepted, the terminator not included). A line longer
/// than `max_line` bytes is an error at its line, found while it is read: the buffer never grows to more
/// than twice the limit (or one chunk).
///
/// Returns the name of the stream encoding and whether it was detected without a BOM.
pub(crate) fn for_each_line<R: Read>(
    mut reader: R,
    max_line: usize,
    mut f: impl FnMut(usize, &[u8]) -> Result<(), LasError>,
) -> Result<(&'static str, Option<Warning>), LasError> {
    let mut head = vec![0u8; SNIFF];
    let mut filled = 0;
    while filled < head.len() {
        let n = read_retrying(&mut reader, &mut head[filled..]).map_err(|e| io_error(&e))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    let detected = sniff(&head);
    let (skip, name, warning) = match detected {
        StreamEncoding::Utf8 { bom } => (if bom { 3 } else { 0 }, "UTF-8", None),
        StreamEncoding::Utf16Le { bom } => (if bom { 2 } else { 0 }, UTF_16LE.name(), utf16_warning(bom)),
        StreamEncoding::Utf16Be { bom } => (if bom { 2 } else { 0 }, UTF_16BE.name(), utf16_warning(bom)),
    };
    let mut cursor = Cursor::new(head);
    cursor.set_position(skip);
    let chained = cursor.chain(reader);
    let source = match detected {
        StreamEncoding::Utf8 { .. } => Source::Plain(chained),
        StreamEncoding::Utf16Le { .. } => Source::Utf16(Utf16ToUtf8::new(chained, false)),
        StreamEncoding::Utf16Be { .. } => Source::Utf16(Utf16ToUtf8::new(chained, true)),
    };
    split_lines(source, max_line, &mut f)?;
    Ok((name, warning))
}

fn utf16_warning(bom: bool) -> Option<Warning> {
    (!bom).then(|| Warning {
        line: 0,
        kind: WarningKind::Encoding,
        message: "no byte-order mark, but the NUL byte pattern shows UTF-16; decoded as UTF-16".to_string(),
    })
}

fn line_too_long(line_no: usize, max_line: usize) -> LasError {
    limits::exceeded(
        line_no,
        &format!("a line longer than {max_line} bytes"),
        max_line,
        "max_line_bytes",
    )
}

fn split_lines<R: Read>(
    mut src: R,
    max_line: usize,
    f: &mut impl FnMut(usize, &[u8]) -> Result<(), LasError>,
) -> Result<(), LasError> {
    let mut buf = vec![0u8; CHUNK];
    let mut start = 0usize; // first byte not yet handed out
    let mut end = 0usize; // end of valid bytes
    let mut eof = false;
    let mut line_no = 0usize;
    loop {
        // Hand out every complete line in buf[start..end].
        while start < end {
            let window = &buf[start..end];
            let Some(off) = memchr::memchr2(b'\n', b'\r', window) else {
                break;
            };
            let term = start + off;
            let mut next = term + 1;
            if buf[term] == b'\r' {
                if next < end {
                    if buf[next] == b'\n' {
                        next += 1;
                    }
                } else if !eof {
                    // A `\r` at the end of the block may be the first half of `\r\n`: wait for more bytes.
                    break;
                }
            }
            line_no += 1;
            if term - start > max_line {
                return Err(line_too_long(line_no, max_line));
            }
            f(line_no, &buf[start..term])?;
            start = next;
        }
        // The line in progress (less a `\r` waiting for its `\n`) is already too long, whatever follows.
        let partial = end - start - usize::from(end > start && buf[end - 1] == b'\r');
        if partial > max_line {
            return Err(line_too_long(line_no + 1, max_line));
        }
        if eof {
            if start < end {
                line_no += 1;
                f(line_no, &buf[start..end])?;
            }
            return Ok(());
        }
        // Keep the partial line, make room, read more.
        if start > 0 {
            buf.copy_within(start..end, 0);
            end -= start;
            start = 0;
        }
        if end == buf.len() {
            // One line longer than the buffer: grow (a line is at most as long as the input).
            let new_len = buf.len() * 2;
            buf.resize(new_len, 0);
        }
        let n = read_retrying(&mut src, &mut buf[end..]).map_err(|e| io_error(&e))?;
        if n == 0 {
            eof = true;
        }
        end += n;
    }
}

/// The lines of text held in memory, as [`for_each_line`] hands them out (same numbering, terminators
/// and length limit), one at a time, so that a caller can hand a later stretch to another thread and
/// jump over it ([`SliceLines::skip_to`]).
pub(crate) struct SliceLines<'a> {
    text: &'a [u8],
    /// Start of the next line.
    pos: usize,
    /// Lines handed out so far.
    line_no: usize,
    max_line: usize,
}

impl<'a> SliceLines<'a> {
    pub(crate) fn new(text: &'a [u8], max_line: usize) -> Self {
        Self {
            text,
            pos: 0,
            line_no: 0,
            max_line,
        }
    }

    /// Byte offset of the next line.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Lines handed out so far (the number of the last one).
    pub(crate) fn line_no(&self) -> usize {
        self.line_no
    }

    /// Bytes not handed out yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.text.get(self.pos..).unwrap_or(&[])
    }

    /// Continue at `pos` (a line start), with `lines` more lines counted as handed out.
    pub(crate) fn skip_to(&mut self, pos: usize, lines: usize) {
        self.pos = pos.min(self.text.len());
        self.line_no += lines;
    }

    /// The next line and its number; `Ok(None)` at the end; an error at a line past the limit.
    #[inline]
    pub(crate) fn next_line(&mut self) -> Result<Option<(usize, &'a [u8])>, LasError> {
        let text = self.text;
        let start = self.pos;
        if start >= text.len() {
            return Ok(None);
        }
        let rest = &text[start..];
        let (len, next) = match memchr::memchr2(b'\n', b'\r', rest) {
            Some(off) => {
                let crlf = rest[off] == b'\r' && rest.get(off + 1) == Some(&b'\n');
                (off, start + off + 1 + usize::from(crlf))
            }
            None => (rest.len(), text.len()),
        };
        self.line_no += 1;
        if len > self.max_line {
            return Err(line_too_long(self.line_no, self.max_line));
        }
        self.pos = next;
        Ok(Some((self.line_no, &rest[..len])))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &[u8]) -> Vec<(usize, String)> {
        let mut out = Vec::new();
        for_each_line(bytes, usize::MAX, |n, l| {
            out.push((n, String::from_utf8_lossy(l).into_owned()));
            Ok(())
        })
        .unwrap();
        out
    }

    /// Every line the streaming splitter hands out, and the error it ends with, from `SliceLines` too.
    #[test]
    fn slice_lines_split_as_the_stream_does() {
        let texts: [&[u8]; 8] = [
            b"a\r\nb\rc\nd",
            b"x\r\n\r\ny\r",
            b"\n\n\r\r\n",
            b"",
            b"one",
            b"1 2\n3 4\n",
            b"ok\n12345678901\nnever",
            b"1234567890\n1234567890",
        ];
        for text in texts {
            let mut streamed = Vec::new();
            let s_end = split_lines(text, 10, &mut |n, l| {
                streamed.push((n, l.to_vec()));
                Ok(())
            });
            let mut sliced = Vec::new();
            let mut lines = SliceLines::new(text, 10);
            let l_end = loop {
                match lines.next_line() {
                    Ok(Some((n, l))) => sliced.push((n, l.to_vec())),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            assert_eq!(sliced, streamed, "{text:?}");
            assert_eq!(l_end.map_err(|e| e.line), s_end.map_err(|e| e.line), "{text:?}");
        }
    }

    #[test]
    fn all_line_terminators() {
        let got = lines(b"a\r\nb\rc\nd");
        let want: Vec<(usize, String)> = [(1, "a"), (2, "b"), (3, "c"), (4, "d")]
            .iter()
            .map(|(n, s)| (*n, s.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn crlf_split_across_reads() {
        // A reader that returns one byte per call exercises every chunk boundary.
        struct OneByte<'a>(&'a [u8]);
        impl Read for OneByte<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                match (self.0.split_first(), buf.first_mut()) {
                    (Some((b, rest)), Some(slot)) => {
                        *slot = *b;
                        self.0 = rest;
                        Ok(1)
                    }
                    _ => Ok(0),
                }
            }
        }
        let text = b"x\r\n\r\ny\r";
        let mut out = Vec::new();
        for_each_line(OneByte(text), usize::MAX, |n, l| {
            out.push((n, l.to_vec()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            out,
            vec![(1, b"x".to_vec()), (2, b"".to_vec()), (3, b"y".to_vec())]
        );
    }

    #[test]
    fn long_line_grows_buffer() {
        let mut text = vec![b'7'; CHUNK * 3];
        text.extend_from_slice(b"\nend");
        let got = lines(&text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.len(), CHUNK * 3);
        assert_eq!(got[1].1, "end");
    }

    #[test]
    fn a_line_past_the_limit_is_refused_before_the_buffer_grows() {
        let mut text = b"~V\nshort\n".to_vec();
        text.extend(std::iter::repeat_n(b'7', CHUNK * 3));
        text.extend_from_slice(b"\nend\n");
        let mut seen = Vec::new();
        let e = for_each_line(&text[..], 1000, |n, l| {
            seen.push((n, l.len()));
            Ok(())
        })
        .unwrap_err();
        assert_eq!((e.kind, e.line), (LasErrorKind::Limit, 3));
        assert!(e.message.contains("max_line_bytes"), "{e}");
        assert_eq!(seen, vec![(1, 2), (2, 5)]);
        // A complete line past the limit, inside one chunk.
        let e = for_each_line(&b"ok\n12345678901\n"[..], 10, |_, _| Ok(())).unwrap_err();
        assert_eq!((e.kind, e.line), (LasErrorKind::Limit, 2));
        // At the limit is fine, also as the last line without a terminator.
        assert!(for_each_line(&b"1234567890\n1234567890"[..], 10, |_, _| Ok(())).is_ok());
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "~V\nVERS. 2.0 : x\n";
        for (bom, be) in [(true, false), (true, true), (false, false), (false, true)] {
            let mut bytes = Vec::new();
            if bom {
                bytes.extend_from_slice(if be { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] });
            }
            for u in text.encode_utf16() {
                bytes.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            let got = lines(&bytes);
            assert_eq!(got[1].1, "VERS. 2.0 : x", "bom={bom} be={be}");
        }
    }

    #[test]
    fn cp1252_fallback_warns_once() {
        let mut d = TextDecoder::new("UTF-8");
        assert_eq!(d.decode(3, b"45\xB0 N"), "45° N");
        assert_eq!(d.decode(9, b"\xE9"), "é");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.fallback_warning.as_ref().map(|w| w.line), Some(3));
    }
}
