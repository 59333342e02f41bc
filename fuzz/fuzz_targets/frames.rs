//! The frame decoder against a model: any byte stream, cut into any reads, with any
//! delimiter (self-overlapping ones included) and size limit, gives the frames of one
//! forward scan of the stream, never a frame over the limit, and fails only when the
//! stream holds a frame (or an unfinished remainder) over the limit.
#![no_main]

use node_ipc_tokio::embed::codec::{split_frames, FrameDecoder};
use node_ipc_tokio::embed::error::IpcError;
use libfuzzer_sys::fuzz_target;

/// The frames a forward scan of `stream` finds, and where the last complete one ends.
fn scan(stream: &[u8], delimiter: &[u8]) -> (Vec<Vec<u8>>, usize) {
    let mut frames = Vec::new();
    let mut rest = stream;
    while let Some(at) = rest.windows(delimiter.len()).position(|w| w == delimiter) {
        frames.push(rest[..at].to_vec());
        rest = &rest[at + delimiter.len()..];
    }
    (frames, stream.len() - rest.len())
}

/// Whether the bytes fed after `delivered` justify a size error with `limit`.
fn oversize_follows(fed: &[u8], delivered: usize, delimiter: &[u8], limit: usize) -> bool {
    let (frames, end) = scan(&fed[delivered..], delimiter);
    frames.iter().any(|f| f.len() > limit) || fed.len() - delivered - end > limit
}

fuzz_target!(|data: &[u8]| {
    let Some((head, stream)) = data.split_first_chunk::<4>() else {
        return;
    };
    let delimiter: &[u8] = match head[0] % 8 {
        0 => b"\x0c",
        1 => b"\n",
        2 => b"aa",
        3 => b"aba",
        4 => b"<<>>",
        5 => "\u{e9}".as_bytes(),
        6 => b"\x0c\x0c",
        _ => b"abab",
    };
    let limit = match head[1] {
        0 => usize::MAX,
        n => usize::from(n) * 3,
    };
    // Read sizes from a small generator seeded by the input.
    let mut seed = u32::from_le_bytes([head[2], head[3], 1, 0x9e]);
    let mut next_cut = move |left: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        1 + (seed as usize) % left.clamp(1, 97)
    };

    let mut decoder = FrameDecoder::new(delimiter, limit);
    let mut delivered: Vec<u8> = Vec::new();
    let mut fed = 0usize;
    let mut rest = stream;
    while !rest.is_empty() {
        let cut = next_cut(rest.len()).min(rest.len());
        fed += cut;
        match decoder.push(&rest[..cut]) {
            Ok(run) => {
                if let Some(run) = run {
                    assert!(run.ends_with(delimiter), "a run ends with the delimiter");
                    for frame in split_frames(&run, delimiter) {
                        assert!(frame.len() <= limit, "a frame over the limit got through");
                    }
                    delivered.extend_from_slice(&run);
                }
                if let Some(IpcError::MessageTooLarge { size, limit: l }) = decoder.overflow() {
                    assert!(size > l && l == limit);
                    assert!(oversize_follows(&stream[..fed], delivered.len(), delimiter, limit));
                    return;
                }
            }
            Err(IpcError::MessageTooLarge { size, limit: l }) => {
                assert!(size > l && l == limit, "the error names the limit");
                assert!(
                    oversize_follows(&stream[..fed], delivered.len(), delimiter, limit),
                    "a size error without an oversize frame"
                );
                assert_eq!(&stream[..delivered.len()], &delivered[..]);
                return;
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
        rest = &rest[cut..];
    }
    let (want, end) = scan(stream, delimiter);
    assert!(want.iter().all(|f| f.len() <= limit) && stream.len() - end <= limit);
    assert_eq!(&delivered[..], &stream[..end], "every complete frame, once, in order");
    let got: Vec<Vec<u8>> = split_frames(&delivered, delimiter).map(<[u8]>::to_vec).collect();
    assert_eq!(got, want);
    assert_eq!(decoder.pending_len(), stream.len() - end);
    assert!(decoder.buffered_capacity() <= 2 * decoder.pending_len() + 64, "kept memory sized to the remainder");
});
