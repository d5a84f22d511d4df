//! Property tests: chunking never changes the output, `push` and `feed` always agree (every
//! decode here goes through both, see `common::decode_chunks`), and no input makes the decoder
//! panic.
//!
//! Case counts are fixed and small so the whole file runs in a few seconds.

// Test code: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Input, decode, decode_chunks, harness};
use gemini_sse::{DecoderConfig, Event};
use proptest::collection::vec;
use proptest::prelude::*;

/// One event of a generated, valid stream.
#[derive(Debug, Clone)]
struct GenEvent {
    comment: Option<String>,
    event_type: Option<String>,
    id: Option<String>,
    data_lines: Vec<String>,
    /// Write `data:value` instead of `data: value` where the value allows it.
    no_space: bool,
}

/// Text without CR or LF, with characters that matter to a parser: colons, spaces, JSON
/// punctuation, multibyte characters and Unicode line separators.
fn text() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            4 => proptest::char::range('a', 'z'),
            1 => Just(' '),
            1 => Just(':'),
            1 => Just('"'),
            1 => Just('{'),
            1 => Just('é'),
            1 => Just('€'),
            1 => Just('𝄞'),
            1 => Just('\u{2028}'),
            1 => Just('\u{2029}'),
            1 => Just('\u{85}'),
            1 => Just('\u{feff}'),
            1 => Just('\t'),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn gen_event() -> impl Strategy<Value = GenEvent> {
    (
        proptest::option::of(text()),
        proptest::option::of("[a-z.]{1,12}"),
        proptest::option::of("[a-z0-9_]{1,8}"),
        vec(text(), 1..4),
        any::<bool>(),
    )
        .prop_map(|(comment, event_type, id, data_lines, no_space)| GenEvent {
            comment,
            event_type,
            id,
            data_lines,
            no_space,
        })
}

/// Serializes events with the given line endings (cycled) and the events they must decode to.
fn serialize(events: &[GenEvent], endings: &[u8], bom: bool) -> (Vec<u8>, Vec<Event>) {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut expected = Vec::new();
    let mut last_id: Option<String> = None;
    let mut ending_index = 0;
    let mut after_cr = false;
    let mut end_line = |out: &mut Vec<u8>, blank: bool| {
        let mut choice = endings[ending_index % endings.len()] % 3;
        ending_index += 1;
        if blank && after_cr && choice == 0 {
            // An LF right after a CR would merge into one CRLF line ending.
            choice = 2;
        }
        out.extend_from_slice([&b"\n"[..], b"\r", b"\r\n"][usize::from(choice)]);
        after_cr = choice == 1;
    };
    for event in events {
        if let Some(comment) = &event.comment {
            out.push(b':');
            out.extend_from_slice(comment.as_bytes());
            end_line(&mut out, false);
        }
        if let Some(event_type) = &event.event_type {
            out.extend_from_slice(b"event: ");
            out.extend_from_slice(event_type.as_bytes());
            end_line(&mut out, false);
        }
        if let Some(id) = &event.id {
            out.extend_from_slice(b"id:");
            out.extend_from_slice(id.as_bytes());
            end_line(&mut out, false);
            last_id = Some(id.clone());
        }
        for line in &event.data_lines {
            if event.no_space && !line.starts_with(' ') {
                out.extend_from_slice(b"data:");
            } else {
                out.extend_from_slice(b"data: ");
            }
            out.extend_from_slice(line.as_bytes());
            end_line(&mut out, false);
        }
        end_line(&mut out, true);
        let mut want = Event::new(event.data_lines.join("\n"));
        if let Some(event_type) = &event.event_type {
            want = want.with_event_type(event_type.clone());
        }
        if let Some(id) = &last_id {
            want = want.with_id(id.clone());
        }
        expected.push(want);
    }
    (out, expected)
}

/// Splits `input` at the given points (taken modulo its length, in any order).
fn split_at_points<'a>(input: &'a [u8], points: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = points.iter().map(|p| p % (input.len() + 1)).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(&input[start..cut]);
        start = cut;
    }
    chunks.push(&input[start..]);
    chunks
}

/// Bytes drawn mostly from the ones an SSE parser branches on.
fn sse_bytes() -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![
            3 => prop::sample::select(&b"data: \r\n"[..]),
            2 => prop::sample::select(&b"eventidrtyx:"[..]),
            1 => prop::sample::select(&[0xEF_u8, 0xBB, 0xBF, 0xE2, 0x80, 0xA8, 0xC3, 0xFF, 0x00][..]),
            1 => any::<u8>(),
        ],
        0..200,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any split of a valid stream yields exactly the events it was built from.
    #[test]
    fn any_chunking_of_a_valid_stream_yields_the_same_events(
        events in vec(gen_event(), 0..6),
        endings in vec(any::<u8>(), 1..8),
        bom in any::<bool>(),
        points in vec(any::<usize>(), 0..12),
    ) {
        let (input, expected) = serialize(&events, &endings, bom);
        let config = DecoderConfig::default();
        let whole = decode_chunks(&config, [&input[..]]);
        let want: Vec<_> = expected.into_iter().map(Ok).collect();
        prop_assert_eq!(&whole.items, &want);
        let chunked = decode_chunks(&config, split_at_points(&input, &points));
        prop_assert_eq!(&chunked, &whole);
        let bytewise = decode_chunks(&config, input.chunks(1));
        prop_assert_eq!(&bytewise, &whole);
    }

    /// Any input, valid or not, decodes the same however it is split, and never panics.
    #[test]
    fn any_chunking_of_any_bytes_yields_the_same_output(
        input in sse_bytes(),
        points in vec(any::<usize>(), 0..12),
        selector in any::<u8>(),
    ) {
        let config = DecoderConfig::default()
            .with_max_line_size(usize::from(selector % 16) + 1)
            .with_max_event_size(usize::from(selector / 16) + 1);
        for config in [DecoderConfig::default(), config] {
            let whole = decode_chunks(&config, [&input[..]]);
            let chunked = decode_chunks(&config, split_at_points(&input, &points));
            prop_assert_eq!(&chunked, &whole);
        }
    }

    /// Arbitrary bytes never panic the decoder.
    #[test]
    fn arbitrary_bytes_never_panic(input in vec(any::<u8>(), 0..512), chunk in 1usize..64) {
        let output = decode_chunks(&DecoderConfig::default(), input.chunks(chunk));
        prop_assert!(output.items.len() <= input.len());
    }
}

/// Large data lines (tens of KiB, with multibyte characters) so that `Decoder::feed` shares
/// pieces of its chunks instead of copying them.
fn large_stream() -> impl Strategy<Value = Vec<u8>> {
    vec((1usize..40_000, 0usize..3, any::<bool>()), 1..4).prop_map(|events| {
        let mut out = Vec::new();
        for (len, lines, crlf) in events {
            let ending: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            for line in 0..=lines {
                out.extend_from_slice(b"data: ");
                let unit = ["ab", "é", "€", "𝄞"][line % 4];
                out.extend_from_slice(unit.repeat(len / unit.len()).as_bytes());
                out.extend_from_slice(ending);
            }
            out.extend_from_slice(ending);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// `feed` (which shares large pieces of its chunks) and `push` (which copies) agree,
    /// whatever the chunk sizes.
    #[test]
    fn feed_and_push_agree_on_large_events(
        input in large_stream(),
        points in vec(any::<usize>(), 0..8),
        max_event in 1usize..120_000,
    ) {
        let chunks = split_at_points(&input, &points);
        for config in [DecoderConfig::default(), DecoderConfig::default().with_max_event_size(max_event)] {
            let pushed = decode(Input::Push, &config, [&input[..]]);
            prop_assert_eq!(&decode(Input::Feed, &config, &chunks), &pushed);
            prop_assert_eq!(&decode(Input::Feed, &config, input.chunks(16 * 1024)), &pushed);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// A bounded run of the cargo-fuzz harness (`fuzz/fuzz_targets/decoder.rs`) so that CI
    /// exercises it on every build.
    #[test]
    fn fuzz_harness_bounded_run(input in prop_oneof![sse_bytes(), vec(any::<u8>(), 0..300)]) {
        harness::check(&input);
    }
}
