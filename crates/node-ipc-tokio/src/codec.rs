//! The node-ipc frame format: JSON text terminated by a delimiter (`'\f'` by default).
//!
//! [`FrameDecoder`] turns a byte stream into runs of complete frames. It does not split
//! the run into single frames: the Node binding hands the whole run to JavaScript in one
//! call (one crossing per read, not per message), and Rust users iterate it with
//! [`split_frames`].

use bytes::{Bytes, BytesMut};
use memchr::memmem;

use crate::error::IpcError;

/// node-ipc's default delimiter, U+000C (form feed).
pub const DEFAULT_DELIMITER: &[u8] = b"\x0c";

/// Default limit for a single frame (64 MiB), the `maxMessageSize` config key.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 64 * 1024 * 1024;

/// How incoming bytes are cut into messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// node-ipc's JSON frames, terminated by `delimiter`, at most `max_message_size`
    /// bytes each.
    Delimited {
        /// The frame terminator (`'\f'` by default).
        delimiter: Vec<u8>,
        /// The largest accepted frame, delimiter excluded.
        max_message_size: usize,
    },
    /// No framing (node-ipc's `rawBuffer` mode): every read is reported as it is.
    Raw,
}

impl Default for Framing {
    fn default() -> Self {
        Framing::Delimited {
            delimiter: DEFAULT_DELIMITER.to_vec(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
        }
    }
}

impl Framing {
    /// The decoder of delimited framing; `None` for raw framing, where every read is
    /// reported as it is.
    pub fn decoder(&self) -> Option<FrameDecoder> {
        match self {
            Framing::Delimited {
                delimiter,
                max_message_size,
            } => Some(FrameDecoder::new(delimiter, *max_message_size)),
            Framing::Raw => None,
        }
    }
}

/// How many bytes one read takes from a socket at most (the size of the per-thread read
/// buffer; see [`read_scratch`]).
pub(crate) const READ_CHUNK: usize = 64 * 1024;

thread_local! {
    /// The buffer reads land in before their bytes are framed: one per thread, so an idle
    /// connection holds no read buffer at all (only an incomplete frame, sized to what
    /// arrived).
    static SCRATCH: std::cell::RefCell<Box<[u8]>> =
        std::cell::RefCell::new(vec![0u8; READ_CHUNK].into_boxed_slice());
}

/// Runs `read` with this thread's read buffer ([`READ_CHUNK`] bytes). The buffer is
/// borrowed for the call only: `read` must not call `read_scratch` again.
pub(crate) fn read_scratch<T>(read: impl FnOnce(&mut [u8]) -> T) -> T {
    SCRATCH.with_borrow_mut(|buf| read(buf))
}

/// Splits a byte stream into complete frames, keeping the incomplete remainder.
///
/// Every call to [`FrameDecoder::push`] returns *all* complete frames received so far as
/// one contiguous run (ending with the delimiter), so a read that completes 1,000 frames
/// costs one allocation-free split, not 1,000. Between calls the decoder holds only the
/// bytes of an incomplete frame, in a buffer sized to them (none when there are none). A
/// remainder longer than the size limit is an error: the peer is either hostile or broken,
/// and buffering it would grow memory without bound.
///
/// ```
/// use node_ipc_tokio::codec::{FrameDecoder, split_frames};
/// let mut dec = FrameDecoder::new(b"\x0c", 1024);
/// assert!(dec.push(b"{\"type\":\"a\"").unwrap().is_none());
/// let run = dec.push(b",\"data\":1}\x0c{\"ty").unwrap().unwrap();
/// let frames: Vec<&[u8]> = split_frames(&run, b"\x0c").collect();
/// assert_eq!(frames, vec![&b"{\"type\":\"a\",\"data\":1}"[..]]);
/// assert_eq!(dec.pending_len(), 4);
/// ```
#[derive(Debug)]
pub struct FrameDecoder {
    delimiter: Box<[u8]>,
    max_message_size: usize,
    /// The incomplete frame after the last delimiter seen.
    buf: BytesMut,
    /// Bytes of `buf` already known to hold no delimiter.
    scanned: usize,
}

impl FrameDecoder {
    /// A decoder for `delimiter` (must not be empty) and frames of at most
    /// `max_message_size` bytes (delimiter excluded).
    pub fn new(delimiter: &[u8], max_message_size: usize) -> Self {
        assert!(
            !delimiter.is_empty(),
            "the frame delimiter must not be empty"
        );
        FrameDecoder {
            delimiter: delimiter.into(),
            max_message_size,
            buf: BytesMut::new(),
            scanned: 0,
        }
    }

    /// The delimiter this decoder splits on.
    pub fn delimiter(&self) -> &[u8] {
        &self.delimiter
    }

    /// Bytes received but not yet part of a complete frame.
    pub fn pending_len(&self) -> usize {
        self.buf.len()
    }

    /// Bytes the decoder holds allocated (at least [`FrameDecoder::pending_len`]).
    pub fn buffered_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Takes `input` (bytes just read) and returns every complete frame, if any, as one
    /// run ending with the delimiter; the rest is kept for the next call.
    ///
    /// Returns `Ok(None)` when no frame is complete yet, and an error when a frame exceeds
    /// the size limit (the decoder should then be dropped with its connection). Frames
    /// completed before an incomplete remainder that is already over the limit are
    /// returned; [`FrameDecoder::overflow`] then reports the remainder.
    pub fn push(&mut self, input: &[u8]) -> Result<Option<Bytes>, IpcError> {
        if self.buf.is_empty() {
            return self.push_fresh(input);
        }
        self.buf.extend_from_slice(input);
        self.decode()
    }

    /// [`FrameDecoder::push`] with nothing buffered: frames are taken from `input` itself,
    /// and only the remainder is copied into the decoder.
    fn push_fresh(&mut self, input: &[u8]) -> Result<Option<Bytes>, IpcError> {
        let Some(end) = self.last_frame_end(input, 0) else {
            if input.len() > self.max_message_size {
                return Err(self.too_large(input.len()));
            }
            self.keep(input);
            self.scanned = input.len();
            return Ok(None);
        };
        if end > self.max_message_size {
            self.check_frame_sizes(&input[..end])?;
        }
        self.keep(&input[end..]);
        self.scanned = self.buf.len();
        Ok(Some(Bytes::copy_from_slice(&input[..end])))
    }

    /// Replaces the (empty) buffer by a copy of `rest`, sized to it.
    fn keep(&mut self, rest: &[u8]) {
        self.buf = if rest.is_empty() {
            BytesMut::new()
        } else {
            BytesMut::from(rest)
        };
    }

    /// Where the last complete frame of `bytes` ends (after its delimiter), searching from
    /// `from` (no delimiter ends before it).
    ///
    /// Frames are cut as a forward scan cuts them (each delimiter ends a frame, the search
    /// goes on after it), which is how `split_frames` and JavaScript's `split` read them.
    /// For a delimiter that can overlap itself ("aa" in "aaa") the last occurrence found
    /// from the end would end elsewhere, so multi-byte delimiters are scanned forward.
    fn last_frame_end(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let fresh = &bytes[from..];
        let rel = if self.delimiter.len() == 1 {
            memchr::memrchr(self.delimiter[0], fresh)
        } else {
            memmem::find_iter(fresh, &self.delimiter).last()
        }?;
        Some(from + rel + self.delimiter.len())
    }

    /// Takes the complete frames out of the buffer after new bytes were appended.
    fn decode(&mut self) -> Result<Option<Bytes>, IpcError> {
        let dlen = self.delimiter.len();
        // A delimiter may straddle the boundary of the part scanned before.
        let from = self.scanned.saturating_sub(dlen - 1);
        let Some(end) = self.last_frame_end(&self.buf, from) else {
            self.scanned = self.buf.len();
            if self.buf.len() > self.max_message_size {
                return Err(self.too_large(self.buf.len()));
            }
            return Ok(None);
        };
        // Only the first frame of the run can contain bytes from earlier reads; the others
        // lie inside this read and are checked only when the read alone could hold one
        // over the limit.
        if end > self.max_message_size {
            self.check_frame_sizes(&self.buf[..end])?;
        }
        let run = self.buf.split_to(end).freeze();
        // The remainder still shares the run's allocation: keep a copy sized to it, so the
        // run's memory goes as soon as it is consumed. (A remainder over the limit is
        // reported by `overflow`, after the complete frames before it are delivered.)
        let rest = std::mem::take(&mut self.buf);
        self.keep(&rest);
        self.scanned = self.buf.len();
        Ok(Some(run))
    }

    /// The error to report when the buffered, incomplete frame is already over the size
    /// limit (check after a [`FrameDecoder::decode`] that returned frames).
    pub fn overflow(&self) -> Option<IpcError> {
        (self.buf.len() > self.max_message_size).then(|| self.too_large(self.buf.len()))
    }

    fn check_frame_sizes(&self, run: &[u8]) -> Result<(), IpcError> {
        for frame in split_frames(run, &self.delimiter) {
            if frame.len() > self.max_message_size {
                return Err(self.too_large(frame.len()));
            }
        }
        Ok(())
    }

    fn too_large(&self, size: usize) -> IpcError {
        IpcError::MessageTooLarge {
            size,
            limit: self.max_message_size,
        }
    }
}

/// Iterates the frames of a run of complete frames (each terminated by `delimiter`),
/// without their delimiters. Empty frames (two delimiters in a row) are yielded too,
/// as node-ipc reports them as parse errors.
pub fn split_frames<'a>(run: &'a [u8], delimiter: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = run;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let at = if delimiter.len() == 1 {
            memchr::memchr(delimiter[0], rest)
        } else {
            memmem::find(rest, delimiter)
        };
        match at {
            Some(i) => {
                let frame = &rest[..i];
                rest = &rest[i + delimiter.len()..];
                Some(frame)
            }
            None => {
                // Not a complete frame: callers only pass runs produced by the decoder.
                let frame = rest;
                rest = &[];
                Some(frame)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAMES: &[u8] =
        b"{\"type\":\"a\",\"data\":{}}\x0c{\"type\":\"b\",\"data\":\"h\xc3\xa9\"}\x0c{\"type\":\"c\",\"data\":0}\x0c";

    fn collect(dec: &mut FrameDecoder, parts: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for part in parts {
            if let Some(run) = dec.push(part).expect("within limit") {
                let delim = dec.delimiter().to_vec();
                out.extend(split_frames(&run, &delim).map(<[u8]>::to_vec));
            }
        }
        out
    }

    fn expected(input: &[u8], delim: &[u8]) -> Vec<Vec<u8>> {
        split_frames(input, delim).map(<[u8]>::to_vec).collect()
    }

    #[test]
    fn split_at_every_byte_position() {
        let want = expected(FRAMES, b"\x0c");
        assert_eq!(want.len(), 3);
        for cut in 0..=FRAMES.len() {
            let mut dec = FrameDecoder::new(b"\x0c", 1024);
            let got = collect(&mut dec, &[&FRAMES[..cut], &FRAMES[cut..]]);
            assert_eq!(got, want, "cut at {cut}");
            assert_eq!(dec.pending_len(), 0);
        }
    }

    #[test]
    fn split_at_every_pair_of_positions() {
        let want = expected(FRAMES, b"\x0c");
        for a in 0..=FRAMES.len() {
            for b in a..=FRAMES.len() {
                let mut dec = FrameDecoder::new(b"\x0c", 1024);
                let got = collect(&mut dec, &[&FRAMES[..a], &FRAMES[a..b], &FRAMES[b..]]);
                assert_eq!(got, want, "cuts at {a},{b}");
            }
        }
    }

    #[test]
    fn byte_by_byte_delivers_each_frame_when_complete() {
        let mut dec = FrameDecoder::new(b"\x0c", 1024);
        let mut delivered = 0;
        for (i, byte) in FRAMES.iter().enumerate() {
            let run = dec.push(&[*byte]).expect("within limit");
            if *byte == 0x0c {
                let run = run.expect("frame completes at its delimiter");
                assert_eq!(run.last(), Some(&0x0c));
                delivered += 1;
            } else {
                assert!(run.is_none(), "nothing before a delimiter (byte {i})");
            }
        }
        assert_eq!(delivered, 3);
    }

    #[test]
    fn several_frames_in_one_read_come_as_one_run() {
        let mut dec = FrameDecoder::new(b"\x0c", 1024);
        let run = dec.push(FRAMES).expect("ok").expect("complete");
        assert_eq!(&run[..], FRAMES);
    }

    #[test]
    fn remainder_is_kept_and_completed_frames_are_delivered_at_once() {
        // Q10: complete frames are delivered even when the read ends mid-frame.
        let mut dec = FrameDecoder::new(b"\x0c", 1024);
        let run = dec
            .push(b"A\x0c{\"type\":\"hel")
            .expect("ok")
            .expect("one frame");
        assert_eq!(&run[..], b"A\x0c");
        assert_eq!(dec.pending_len(), 12);
        let run = dec
            .push(b"lo\",\"data\":2}\x0c{\"type\":\"x\"")
            .expect("ok")
            .expect("one frame");
        assert_eq!(&run[..], b"{\"type\":\"hello\",\"data\":2}\x0c");
    }

    #[test]
    fn multi_byte_delimiter_split_everywhere() {
        // Q11: multi-character delimiters work, also when split across reads.
        let input = b"one<<>>two<<>><<>>three<<>>";
        let want: Vec<Vec<u8>> = vec![b"one".to_vec(), b"two".to_vec(), vec![], b"three".to_vec()];
        for a in 0..=input.len() {
            for b in a..=input.len() {
                let mut dec = FrameDecoder::new(b"<<>>", 1024);
                let got = collect(&mut dec, &[&input[..a], &input[a..b], &input[b..]]);
                assert_eq!(got, want, "cuts at {a},{b}");
                assert_eq!(dec.pending_len(), 0);
            }
        }
    }

    #[test]
    fn empty_frames_are_yielded() {
        let frames: Vec<&[u8]> = split_frames(b"a\x0c\x0cb\x0c", b"\x0c").collect();
        assert_eq!(frames, vec![&b"a"[..], &b""[..], &b"b"[..]]);
    }

    #[test]
    fn incomplete_remainder_over_the_limit_is_an_error() {
        let mut dec = FrameDecoder::new(b"\x0c", 16);
        assert!(dec.push(&[b'x'; 16]).expect("at the limit").is_none());
        match dec.push(b"x") {
            Err(IpcError::MessageTooLarge { size, limit }) => {
                assert_eq!((size, limit), (17, 16));
            }
            other => panic!("expected MessageTooLarge, got {other:?}"),
        }
    }

    #[test]
    fn frames_before_an_oversize_remainder_are_returned_first() {
        let mut dec = FrameDecoder::new(b"\x0c", 4);
        let run = dec
            .push(b"ab\x0cxxxxxx")
            .expect("frames first")
            .expect("one");
        assert_eq!(&run[..], b"ab\x0c");
        assert!(matches!(
            dec.overflow(),
            Some(IpcError::MessageTooLarge { size: 6, limit: 4 })
        ));
        assert!(matches!(
            dec.push(b"x"),
            Err(IpcError::MessageTooLarge { size: 7, limit: 4 })
        ));
    }

    #[test]
    fn complete_frame_over_the_limit_is_an_error() {
        let mut dec = FrameDecoder::new(b"\x0c", 4);
        let mut input = vec![b'y'; 10];
        input.push(0x0c);
        assert!(matches!(
            dec.push(&input),
            Err(IpcError::MessageTooLarge { size: 10, limit: 4 })
        ));
        // Frames at the limit pass, including several in one read.
        let mut dec = FrameDecoder::new(b"\x0c", 4);
        let run = dec
            .push(b"abcd\x0cefgh\x0c")
            .expect("ok")
            .expect("two frames");
        assert_eq!(split_frames(&run, b"\x0c").count(), 2);
    }

    #[test]
    fn large_frame_split_in_reads_is_reassembled() {
        let big = vec![b'z'; 3 * READ_CHUNK + 17];
        let mut input = big.clone();
        input.push(0x0c);
        let mut dec = FrameDecoder::new(b"\x0c", DEFAULT_MAX_MESSAGE_SIZE);
        let mut runs = Vec::new();
        for chunk in input.chunks(1000) {
            if let Some(run) = dec.push(chunk).expect("ok") {
                runs.push(run);
            }
        }
        assert_eq!(runs.len(), 1);
        assert_eq!(&runs[0][..big.len()], &big[..]);
    }

    /// Frames of `stream` as a reader scanning it once from the start sees them: each
    /// delimiter ends a frame, and the search goes on after it (so "aaa" split on "aa" is
    /// one empty frame and the start of the next). Returns them and where the last one ends.
    fn scan(stream: &[u8], delimiter: &[u8]) -> (Vec<Vec<u8>>, usize) {
        let mut frames = Vec::new();
        let (mut start, mut at) = (0, 0);
        while at + delimiter.len() <= stream.len() {
            if &stream[at..at + delimiter.len()] == delimiter {
                frames.push(stream[start..at].to_vec());
                at += delimiter.len();
                start = at;
            } else {
                at += 1;
            }
        }
        (frames, start)
    }

    /// xorshift64*: a small deterministic generator, so a failure names its seed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn any_split_of_any_stream_gives_the_frames_of_one_scan() {
        // Delimiters include ones that overlap themselves ("aa", "aba"), where finding the
        // last delimiter from the end would cut frames differently from a forward scan.
        let delimiters: [&[u8]; 6] = [b"\x0c", b"\n", b"aa", b"aba", b"<<>>", b"\xc3\xa9"];
        let alphabet = b"aab<>{}\x0c\n\xc3\xa9x";
        for seed in 1..=3000u64 {
            let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
            let delimiter = delimiters[rng.below(delimiters.len())];
            let stream: Vec<u8> = (0..rng.below(200))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            let (want, end) = scan(&stream, delimiter);
            let mut dec = FrameDecoder::new(delimiter, usize::MAX);
            let mut got = Vec::new();
            let mut delivered = Vec::new();
            let mut rest = &stream[..];
            while !rest.is_empty() {
                let cut = 1 + rng.below(rest.len().min(40));
                if let Some(run) = dec.push(&rest[..cut]).expect("no limit") {
                    assert!(
                        run.ends_with(delimiter),
                        "seed {seed}: a run ends with the delimiter"
                    );
                    got.extend(split_frames(&run, delimiter).map(<[u8]>::to_vec));
                    delivered.extend_from_slice(&run);
                }
                rest = &rest[cut..];
            }
            assert_eq!(
                got, want,
                "seed {seed}: {:?} split on {:?}",
                stream, delimiter
            );
            assert_eq!(&delivered[..], &stream[..end], "seed {seed}");
            assert_eq!(dec.pending_len(), stream.len() - end, "seed {seed}");
        }
    }

    #[test]
    fn a_self_overlapping_delimiter_splits_as_a_forward_scan() {
        let mut dec = FrameDecoder::new(b"aa", 1024);
        let run = dec.push(b"aaa").expect("ok").expect("one frame");
        assert_eq!(&run[..], b"aa");
        assert_eq!(dec.pending_len(), 1);
        let run = dec.push(b"a").expect("ok").expect("the next frame");
        assert_eq!(&run[..], b"aa");
        assert_eq!(
            split_frames(&run, b"aa").collect::<Vec<_>>(),
            vec![&b""[..]]
        );
    }
}
