//! Test vectors for every parsing rule, each fed whole, byte by byte, split at every index and
//! (for short inputs) split at every pair of indices.

// Test code: a panic is a test failure.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{Input, Output, decode};
use gemini_sse::{DecodeErrorKind, DecoderConfig, Event, UnfinishedEvent};

/// One expected item.
#[derive(Debug)]
enum Expected {
    Event(Event),
    Error(DecodeErrorKind, u64),
}

struct Vector {
    name: &'static str,
    input: &'static [u8],
    config: DecoderConfig,
    expected: Vec<Expected>,
    last_event_id: Option<&'static str>,
    reconnection_ms: Option<u64>,
}

impl Vector {
    fn config(mut self, config: DecoderConfig) -> Self {
        self.config = config;
        self
    }
    fn last_id(mut self, id: &'static str) -> Self {
        self.last_event_id = Some(id);
        self
    }
    fn reconnection(mut self, ms: u64) -> Self {
        self.reconnection_ms = Some(ms);
        self
    }
}

fn v(name: &'static str, input: &'static [u8], expected: Vec<Expected>) -> Vector {
    Vector {
        name,
        input,
        config: DecoderConfig::default(),
        expected,
        last_event_id: None,
        reconnection_ms: None,
    }
}

fn e(data: &str) -> Expected {
    Expected::Event(Event::new(data))
}

fn ev(event: Event) -> Expected {
    Expected::Event(event)
}

fn err(kind: DecodeErrorKind, offset: u64) -> Expected {
    Expected::Error(kind, offset)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn lines(max: usize) -> DecoderConfig {
    DecoderConfig::default().with_max_line_size(max)
}

fn events(max: usize) -> DecoderConfig {
    DecoderConfig::default().with_max_event_size(max)
}

fn at_eof(policy: UnfinishedEvent) -> DecoderConfig {
    DecoderConfig::default().with_unfinished_event(policy)
}

use DecodeErrorKind::{EventTooLarge, InvalidUtf8, LineTooLong, UnexpectedEof};

fn vectors() -> Vec<Vector> {
    vec![
        // Line endings.
        v("lf", b"data: hello\n\n", vec![e("hello")]),
        v("crlf", b"data: hello\r\n\r\n", vec![e("hello")]),
        v("cr", b"data: hello\r\r", vec![e("hello")]),
        v("mixed_endings", b"data: a\r\ndata: b\rdata: c\n\r\n", vec![e("a\nb\nc")]),
        v("lf_then_cr_is_two_endings", b"data: a\n\rdata: b\n\n", vec![e("a"), e("b")]),
        v("cr_cr", b"data: a\r\rdata: b\r\r", vec![e("a"), e("b")]),
        v(
            "blank_lines_between_events",
            b"\r\n\r\ndata: a\r\n\r\n\r\n\r\ndata: b\r\n\r\n",
            vec![e("a"), e("b")],
        ),
        v(
            "unicode_separators_are_not_line_endings",
            b"data: a\xE2\x80\xA8b\xE2\x80\xA9c\xC2\x85d\x0Be\x0Cf\x1Cg\n\n",
            vec![e("a\u{2028}b\u{2029}c\u{85}d\u{b}e\u{c}f\u{1c}g")],
        ),
        // Byte order mark.
        v("bom_skipped", b"\xEF\xBB\xBFdata: a\n\n", vec![e("a")]),
        v(
            "bom_only_once",
            b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n",
            vec![e("b")],
        ),
        v(
            "bom_after_start_is_content",
            b"data: a\n\n\xEF\xBB\xBFdata: b\n\n",
            vec![e("a")],
        ),
        v("bom_in_data_kept", b"data: \xEF\xBB\xBFx\n\n", vec![e("\u{feff}x")]),
        v("bom_prefix_is_content", b"\xEF\xBBdata: a\n\n", vec![err(InvalidUtf8, 0)]),
        v("bom_only", b"\xEF\xBB\xBF", vec![]),
        v("partial_bom_at_eof", b"\xEF\xBB", vec![]),
        v("error_offset_counts_bom", b"\xEF\xBB\xBFdata: \xFF\n\n", vec![err(InvalidUtf8, 3)]),
        // Comments.
        v(
            "comments",
            b": this is a comment\ndata: a\n:another\n\n:\n\n",
            vec![e("a")],
        ),
        v("comment_only_stream", b": hi\n\n: there\r\n\r\n", vec![]),
        // Fields and values.
        v("field_without_colon", b"data\n\n", vec![e("")]),
        v("two_bare_data_lines", b"data\ndata\n\n", vec![e("\n")]),
        v("empty_value", b"data:\n\n", vec![e("")]),
        v(
            "one_leading_space_removed",
            b"data:a\n\ndata: a\n\ndata:  a\n\n",
            vec![e("a"), e("a"), e(" a")],
        ),
        v("only_a_space", b"data: \n\n", vec![e("")]),
        v("tab_kept", b"data:\ta\n\n", vec![e("\ta")]),
        v("colon_in_value", b"data: a:b: c\n\n", vec![e("a:b: c")]),
        v(
            "data_lines_joined",
            b"data: line1\ndata: line2\ndata:\ndata: line4\n\n",
            vec![e("line1\nline2\n\nline4")],
        ),
        v("one_trailing_newline_removed", b"data: a\ndata:\n\n", vec![e("a\n")]),
        v(
            "unknown_fields_ignored",
            b"foo: bar\nData: x\nDATA: y\nfoo\ndat: q\ndataa: r\ndata: z\n\n",
            vec![e("z")],
        ),
        v(
            "long_field_name_ignored",
            b"dataaaaaaaaaaaa: x\n\ndata: y\n\n",
            vec![e("y")],
        ),
        v("space_before_colon", b"data : x\n\n", vec![]),
        v("space_line_is_not_blank", b"data: a\n \ndata: b\n\n", vec![e("a\nb")]),
        v("nul_in_data_kept", b"data: a\x00b\n\n", vec![e("a\0b")]),
        v(
            "multibyte_characters",
            "data: héllo €𝄞 日本\n\n".as_bytes(),
            vec![e("héllo €𝄞 日本")],
        ),
        v(
            "json_kept_verbatim",
            b"data: {\"text\":\"a\\nb \\u2028\"}\r\n\r\n",
            vec![e("{\"text\":\"a\\nb \\u2028\"}")],
        ),
        // Dispatch.
        v("empty_data_dispatches_nothing", b"\n\n\n\nevent: x\n\n", vec![]),
        // Event type.
        v(
            "event_type_resets_after_dispatch",
            b"event: add\ndata: 1\n\ndata: 2\n\n",
            vec![ev(Event::new("1").with_event_type("add")), e("2")],
        ),
        v("event_type_empty_means_message", b"event:\ndata: x\n\n", vec![e("x")]),
        v(
            "event_type_last_wins",
            b"event: a\nevent: b\ndata: x\n\n",
            vec![ev(Event::new("x").with_event_type("b"))],
        ),
        v(
            "event_type_without_data_is_reset",
            b"event: a\n\ndata: x\n\n",
            vec![e("x")],
        ),
        // Last event id.
        v(
            "id_persists",
            b"id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n",
            vec![
                ev(Event::new("a").with_id("1")),
                ev(Event::new("b").with_id("1")),
                ev(Event::new("c").with_id("2")),
            ],
        )
        .last_id("2"),
        v(
            "id_reset_by_empty_value",
            b"id: 1\ndata: a\n\nid\ndata: b\n\n",
            vec![ev(Event::new("a").with_id("1")), e("b")],
        ),
        v(
            "id_with_nul_ignored",
            b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n",
            vec![
                ev(Event::new("a").with_id("1")),
                ev(Event::new("b").with_id("1")),
            ],
        )
        .last_id("1"),
        v("id_without_data_sets_last_id", b"id: 5\n\n", vec![]).last_id("5"),
        v(
            "id_of_unfinished_event_not_last",
            b"id: 1\ndata: a\n\nid: 2\ndata: b\n",
            vec![ev(Event::new("a").with_id("1"))],
        )
        .last_id("1"),
        v(
            "id_keeps_extra_spaces",
            b"id:  7\ndata: a\n\n",
            vec![ev(Event::new("a").with_id(" 7"))],
        )
        .last_id(" 7"),
        v("id_at_eof_not_dispatched", b"id: 1\n", vec![]),
        // Reconnection time.
        v(
            "retry",
            b"retry: 1500\ndata: a\n\n",
            vec![ev(Event::new("a").with_retry(ms(1500)))],
        )
        .reconnection(1500),
        v(
            "retry_not_digits_ignored",
            b"retry: 15a\nretry: -1\nretry:  10\nretry: 1.5\nretry:\nretry\nretry: +1\ndata: a\n\n",
            vec![e("a")],
        ),
        v("retry_without_data", b"retry: 10\n\n", vec![]).reconnection(10),
        v(
            "retry_belongs_to_its_event",
            b"retry: 10\nretry: x\ndata: a\n\ndata: b\n\n",
            vec![ev(Event::new("a").with_retry(ms(10))), e("b")],
        )
        .reconnection(10),
        v(
            "retry_huge_saturates",
            b"retry: 99999999999999999999999\n\n",
            vec![],
        )
        .reconnection(u64::MAX),
        // End of input.
        v("unfinished_event_discarded", b"data: a\n\ndata: b\n", vec![e("a")]),
        v("unfinished_line_discarded", b"data: a\n\ndata: b", vec![e("a")]),
        v("unfinished_dispatch", b"data: a\n\ndata: b", vec![e("a"), e("b")])
            .config(at_eof(UnfinishedEvent::Dispatch)),
        v("unfinished_dispatch_after_lines", b"data: a\ndata: b\r", vec![e("a\nb")])
            .config(at_eof(UnfinishedEvent::Dispatch)),
        v("unfinished_dispatch_comment_only", b"data: a\n\n: bye", vec![e("a")])
            .config(at_eof(UnfinishedEvent::Dispatch)),
        v("unfinished_dispatch_id", b"data: a\n\nid: 3", vec![e("a")])
            .config(at_eof(UnfinishedEvent::Dispatch))
            .last_id("3"),
        v(
            "unfinished_error",
            b"data: a\n\ndata: b",
            vec![e("a"), err(UnexpectedEof, 16)],
        )
        .config(at_eof(UnfinishedEvent::Error)),
        v("unfinished_error_clean_end", b"data: a\r\n\r\n", vec![e("a")])
            .config(at_eof(UnfinishedEvent::Error)),
        v("unfinished_error_without_data", b"event: x\n", vec![])
            .config(at_eof(UnfinishedEvent::Error)),
        // Invalid UTF-8: an error in place of the event, then decoding goes on.
        v(
            "invalid_utf8_in_data",
            b"data: \xFF\n\ndata: ok\n\n",
            vec![err(InvalidUtf8, 0), e("ok")],
        ),
        v(
            "invalid_utf8_skips_rest_of_event",
            b"data: a\ndata: \xC3(\ndata: c\n\ndata: d\n\n",
            vec![err(InvalidUtf8, 8), e("d")],
        ),
        v(
            "invalid_utf8_in_comment",
            b": \xFF\ndata: a\n\ndata: b\n\n",
            vec![err(InvalidUtf8, 0), e("b")],
        ),
        v("invalid_utf8_in_field_name", b"d\xFFta: a\n\n", vec![err(InvalidUtf8, 0)]),
        v(
            "truncated_character_at_line_end",
            b"data: \xE2\x82\n\ndata: b\n\n",
            vec![err(InvalidUtf8, 0), e("b")],
        ),
        v("surrogate_rejected", b"data: \xED\xA0\x80\n\n", vec![err(InvalidUtf8, 0)]),
        v("overlong_rejected", b"data: \xC0\xAF\n\n", vec![err(InvalidUtf8, 0)]),
        v("invalid_utf8_in_id", b"id: \xFF\ndata: a\n\n", vec![err(InvalidUtf8, 0)]),
        v(
            "error_keeps_earlier_id",
            b"id: 7\ndata: \xFF\n\ndata: b\n\n",
            vec![err(InvalidUtf8, 6), ev(Event::new("b").with_id("7"))],
        )
        .last_id("7"),
        v(
            "skipped_retry_not_applied",
            b"data: \xFF\nretry: 5\n\n",
            vec![err(InvalidUtf8, 0)],
        ),
        // Limits.
        v(
            "line_too_long",
            b"data: 0123456789\n\ndata: ok\n\n",
            vec![err(LineTooLong, 0), e("ok")],
        )
        .config(lines(10)),
        v("line_at_limit", b"data: 0123\n\n", vec![e("0123")]).config(lines(10)),
        v(
            "line_limit_applies_to_comments",
            b": long comment\n\ndata: x\n\n",
            vec![err(LineTooLong, 0), e("x")],
        )
        .config(lines(8)),
        v(
            "event_too_large",
            b"data: 1234\ndata: 5678\n\ndata: ok\n\n",
            vec![err(EventTooLarge, 11), e("ok")],
        )
        .config(events(8)),
        v("event_at_limit", b"data: 1234\n\n", vec![e("1234")]).config(events(5)),
        v(
            "event_limit_counts_line_feeds",
            b"data: 1234\n\n",
            vec![err(EventTooLarge, 0)],
        )
        .config(events(4)),
        v(
            "bare_data_lines_count_too",
            b"data\ndata\ndata\n\ndata\n\n",
            vec![err(EventTooLarge, 10), e("")],
        )
        .config(events(2)),
        // Gemini's framing (../shared/spec/API.md section 6).
        v(
            "gemini_stream",
            b"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\r\n\r\ndata: {\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}\r\n\r\n",
            vec![
                e("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}"),
                e("{\"error\":{\"code\":503,\"status\":\"UNAVAILABLE\"}}"),
            ],
        ),
    ]
}

fn check(vector: &Vector, how: &str, output: &Output) {
    let name = vector.name;
    assert_eq!(
        output.items.len(),
        vector.expected.len(),
        "{name} ({how}): {:?}",
        output.items
    );
    for (got, want) in output.items.iter().zip(&vector.expected) {
        match (got, want) {
            (Ok(got), Expected::Event(want)) => assert_eq!(got, want, "{name} ({how})"),
            (Err(got), Expected::Error(kind, offset)) => {
                assert_eq!(
                    (got.kind(), got.offset()),
                    (*kind, *offset),
                    "{name} ({how})"
                );
            }
            _ => panic!("{name} ({how}): got {got:?}, want {want:?}"),
        }
    }
    assert_eq!(
        output.last_event_id.as_deref(),
        vector.last_event_id,
        "{name} ({how}): last event id"
    );
    assert_eq!(
        output.reconnection_time,
        vector.reconnection_ms.map(ms),
        "{name} ({how}): reconnection time"
    );
}

// Every vector runs through both ways in (`push` and `feed`), with the same expected output.

#[test]
fn vectors_whole() {
    for vector in vectors() {
        for input in Input::BOTH {
            let output = decode(input, &vector.config, [vector.input]);
            check(&vector, &format!("whole, {input:?}"), &output);
        }
    }
}

#[test]
fn vectors_byte_by_byte() {
    for vector in vectors() {
        for input in Input::BOTH {
            let output = decode(input, &vector.config, vector.input.chunks(1));
            check(&vector, &format!("byte by byte, {input:?}"), &output);
        }
    }
}

#[test]
fn vectors_split_at_every_index() {
    for vector in vectors() {
        for i in 0..=vector.input.len() {
            let (a, b) = vector.input.split_at(i);
            for input in Input::BOTH {
                let output = decode(input, &vector.config, [a, b]);
                check(&vector, &format!("split at {i}, {input:?}"), &output);
            }
        }
    }
}

#[test]
fn vectors_split_at_every_pair_of_indices() {
    for vector in vectors().into_iter().filter(|v| v.input.len() <= 48) {
        let bytes = vector.input;
        for i in 0..=bytes.len() {
            for j in i..=bytes.len() {
                for input in Input::BOTH {
                    let chunks = [&bytes[..i], &bytes[i..j], &bytes[j..]];
                    let output = decode(input, &vector.config, chunks);
                    check(
                        &vector,
                        &format!("split at {i} and {j}, {input:?}"),
                        &output,
                    );
                }
            }
        }
    }
}

#[test]
fn vectors_with_empty_chunks() {
    for vector in vectors() {
        let mut chunks: Vec<&[u8]> = vec![b""];
        for byte in vector.input.chunks(1) {
            chunks.push(byte);
            chunks.push(b"");
        }
        for input in Input::BOTH {
            let output = decode(input, &vector.config, &chunks);
            check(&vector, &format!("with empty chunks, {input:?}"), &output);
        }
    }
}
