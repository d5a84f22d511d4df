//! The `gemini-rs` session commands end to end: `interactions` (streams, `--previous` chains,
//! background runs, agents, resumed streams, cancel), `live` (piped turns, surviving a
//! `goAway` and a dropped connection) and `emulator --tls`, against the built-in emulator and
//! emulators started here (loopback only, every test bounded in time).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

mod common;

use common::{NOTICE, against, gemini_rs, interrupt, interrupted, stdout_json, wait_bounded};
use gemini::live::pcm;
use gemini_emulator::{DEEP_RESEARCH_AGENT, Emulator, LiveFault};
use predicates::prelude::*;
use serde_json::Value;

/// A process like [`against`]'s, spawned with piped output (for Ctrl-C and long-lived tests).
fn spawn_against(emu: &Emulator, args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args(["--api-key", "k", "--base-url", &emu.base_url()])
        .args(args)
        .env_remove("GEMINI_API_KEY")
        .env_remove("GOOGLE_API_KEY")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// An emulator whose background interactions finish in about a second.
fn quick_emulator() -> Emulator {
    Emulator::builder()
        .interaction_timing(Duration::from_millis(100), Duration::from_millis(400))
        .agent_run_time(Duration::from_millis(800))
        .start()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The id in the `interaction: ID` line on stderr.
fn interaction_id(output: &std::process::Output) -> String {
    let err = stderr(output);
    err.lines()
        .find_map(|l| l.strip_prefix("interaction: "))
        .unwrap_or_else(|| panic!("no `interaction: ID` line in {err:?}"))
        .to_owned()
}

/// The value of a `key value` row on stdout.
fn row(output: &std::process::Output, key: &str) -> String {
    let out = stdout(output);
    out.lines()
        .find_map(|l| {
            l.strip_prefix(key)
                .filter(|rest| rest.starts_with(' '))
                .map(|rest| rest.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no {key} row in {out:?}"))
}

// --- help ----------------------------------------------------------------------------------

#[test]
fn every_session_command_has_help() {
    let commands: &[&[&str]] = &[
        &["interactions"],
        &["interactions", "create"],
        &["interactions", "get"],
        &["interactions", "wait"],
        &["interactions", "stream"],
        &["interactions", "cancel"],
        &["interactions", "delete"],
        &["live"],
        &["emulator"],
    ];
    for command in commands {
        gemini_rs()
            .args(*command)
            .arg("--help")
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: gemini-rs"));
    }
    gemini_rs().args(["emulator", "--help"]).assert().stdout(
        predicate::str::contains("--tls")
            .and(predicate::str::contains("--cert-out"))
            .and(predicate::str::contains("--live-lifetime")),
    );
    // --cert-out needs --tls.
    gemini_rs()
        .args(["emulator", "--cert-out", "x.pem"])
        .assert()
        .code(2);
}

// --- interactions --------------------------------------------------------------------------

#[test]
fn interactions_create_streams_the_answer_and_prints_its_id() {
    let out = gemini_rs()
        .args(["interactions", "create", "Hello, Gemini"])
        .assert()
        .success()
        .stdout("You said: Hello, Gemini\n")
        .get_output()
        .clone();
    let err = stderr(&out);
    assert!(err.starts_with(NOTICE), "{err}");
    assert!(interaction_id(&out).starts_with("v1_"), "{err}");

    // The prompt from stdin, and the whole answer at once.
    gemini_rs()
        .args(["interactions", "create", "--no-stream"])
        .write_stdin("Piped prompt\n")
        .assert()
        .success()
        .stdout("You said: Piped prompt\n");
}

#[test]
fn interactions_create_streams_over_sse_with_the_system_instruction() {
    let emu = Emulator::start();
    let out = against(&emu)
        .args(["interactions", "create", "--system", "Be brief.", "Hi"])
        .assert()
        .success()
        .stdout("[Be brief.] You said: Hi\n")
        .get_output()
        .clone();
    let id = interaction_id(&out);
    let requests = emu.requests_for("interactions.create");
    assert_eq!(requests.len(), 1);
    let body: Value = requests[0].json().unwrap().clone();
    assert_eq!(body["stream"], true);
    assert_eq!(body["model"], "gemini-2.5-flash");
    assert_eq!(body["system_instruction"], "Be brief.");
    assert!(body.get("background").is_none_or(|b| b == false), "{body}");
    // The interaction is kept: `get` shows it.
    against(&emu)
        .args(["interactions", "get", &id])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!("id       {id}"))
                .and(predicate::str::contains("status   completed"))
                .and(predicate::str::contains("[Be brief.] You said: Hi")),
        );
}

#[test]
fn a_previous_chain_of_three_turns_remembers_the_first() {
    let emu = Emulator::start();
    let one = against(&emu)
        .args(["interactions", "create", "My name is Ada."])
        .assert()
        .success()
        .get_output()
        .clone();
    let two = against(&emu)
        .args(["interactions", "create", "I live in Paris.", "--previous"])
        .arg(interaction_id(&one))
        .assert()
        .success()
        .get_output()
        .clone();
    let three = against(&emu)
        .args([
            "interactions",
            "create",
            "What did I say earlier?",
            "--previous",
        ])
        .arg(interaction_id(&two))
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        stdout(&three),
        "You said: What did I say earlier? Earlier you said: \"My name is Ada.\"; \"I live in \
         Paris.\".\n"
    );
    let body: Value = emu.requests_for("interactions.create")[2]
        .json()
        .unwrap()
        .clone();
    assert_eq!(body["previous_interaction_id"], interaction_id(&two));
    // Without --previous there is nothing to remember.
    against(&emu)
        .args(["interactions", "create", "What did I say earlier?"])
        .assert()
        .success()
        .stdout("You said: What did I say earlier?\n");
}

#[test]
fn background_create_then_wait() {
    let emu = quick_emulator();
    let started = against(&emu)
        .args(["interactions", "create", "--background", "Take your time"])
        .assert()
        .success()
        .get_output()
        .clone();
    let id = row(&started, "id");
    assert!(id.starts_with("v1_"), "{}", stdout(&started));
    assert_eq!(row(&started, "status"), "queued");
    assert!(
        stderr(&started).contains(&format!("gemini-rs interactions stream {id}")),
        "{}",
        stderr(&started)
    );
    let body: Value = emu.requests_for("interactions.create")[0]
        .json()
        .unwrap()
        .clone();
    assert_eq!(body["background"], true);
    against(&emu)
        .args(["interactions", "wait", &id])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .stdout("You said: Take your time\n");
}

#[test]
fn an_agent_run_is_followed_to_its_report_on_the_built_in_emulator() {
    let out = gemini_rs()
        .args([
            "interactions",
            "create",
            "--agent",
            DEEP_RESEARCH_AGENT,
            "tidal power in Brittany",
        ])
        // The built-in emulator shortens agent runs (to about a second): one process sees the end.
        .timeout(Duration::from_secs(10))
        .assert()
        .success()
        .stdout(
            predicate::str::starts_with("# Research report: tidal power in Brittany")
                .and(predicate::str::contains("## Sources")),
        )
        .get_output()
        .clone();
    assert!(interaction_id(&out).starts_with("v1_"));

    // The same without streaming: started in the background, waited for.
    gemini_rs()
        .args(["interactions", "create", "--no-stream", "--agent"])
        .args([DEEP_RESEARCH_AGENT, "wave energy"])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "# Research report: wave energy",
        ));
}

#[test]
fn an_agent_create_sends_the_agent_in_the_background() {
    let emu = quick_emulator();
    against(&emu)
        .args([
            "interactions",
            "create",
            "--agent",
            DEEP_RESEARCH_AGENT,
            "tides",
        ])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .stdout(predicate::str::contains("# Research report: tides"));
    let body: Value = emu.requests_for("interactions.create")[0]
        .json()
        .unwrap()
        .clone();
    assert_eq!(body["agent"], DEEP_RESEARCH_AGENT);
    assert_eq!(body["background"], true);
    assert!(body.get("model").is_none(), "{body}");
}

#[test]
fn a_stream_resumes_after_the_last_event_id() {
    let emu = quick_emulator();
    let started = against(&emu)
        .args(["interactions", "create", "--background", "--agent"])
        .args([DEEP_RESEARCH_AGENT, "solar sails"])
        .assert()
        .success()
        .get_output()
        .clone();
    let id = row(&started, "id");
    // Every event from the start, one JSON object per line.
    let all = against(&emu)
        .args(["--output", "json", "interactions", "stream", &id])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .get_output()
        .clone();
    let events: Vec<Value> = stdout(&all)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(events.len() > 4, "{events:?}");
    assert_eq!(
        events.last().unwrap()["event_type"],
        "interaction.completed"
    );
    // Picked up again after the third event: exactly the rest.
    let third = events[2]["event_id"].as_str().unwrap();
    let rest = against(&emu)
        .args(["--output", "json", "interactions", "stream", &id])
        .args(["--last-event-id", third])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .get_output()
        .clone();
    let resumed: Vec<Value> = stdout(&rest)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(resumed, events[3..]);
    let request = emu.requests_for("interactions.get").pop().unwrap();
    assert_eq!(request.query_param("last_event_id").as_deref(), Some(third));
    // In text: the report.
    against(&emu)
        .args(["interactions", "stream", &id])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "# Research report: solar sails",
        ));
}

#[test]
fn ctrl_c_during_a_stream_says_how_to_resume_it_and_cancel_stops_the_run() {
    let emu = Emulator::builder()
        .interaction_timing(Duration::ZERO, Duration::from_millis(400))
        .agent_run_time(Duration::from_secs(30))
        .start();
    let started = against(&emu)
        .args(["interactions", "create", "--background", "--agent"])
        .args([DEEP_RESEARCH_AGENT, "ocean currents"])
        .assert()
        .success()
        .get_output()
        .clone();
    let id = row(&started, "id");
    let mut child = spawn_against(&emu, &["--output", "json", "interactions", "stream", &id]);
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let first: Value = serde_json::from_str(&first).unwrap();
    assert!(first["event_id"].is_string(), "{first}");
    let err = interrupted(&mut child);
    assert!(
        err.starts_with("error: interrupted; the interaction keeps running"),
        "{err}"
    );
    let resume = err
        .lines()
        .find_map(|l| l.trim().strip_prefix("gemini-rs interactions stream "))
        .unwrap_or_else(|| panic!("no resume command in {err:?}"));
    let mut words = resume.split_whitespace();
    assert_eq!(words.next(), Some(id.as_str()));
    assert_eq!(words.next(), Some("--last-event-id"));
    let last = words.next().unwrap().to_owned();

    // Cancelled, the run ends; its stream picked up after `last` ends with it.
    against(&emu)
        .args(["interactions", "cancel", &id])
        .assert()
        .success()
        .stdout(format!("cancelled {id} (cancelled)\n"));
    let rest = against(&emu)
        .args(["--output", "json", "interactions", "stream", &id])
        .args(["--last-event-id", &last])
        .timeout(Duration::from_secs(20))
        .assert()
        .success()
        .get_output()
        .clone();
    let text = stdout(&rest);
    let events: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        events.iter().all(|e| e["event_id"] != last.as_str()),
        "{text}"
    );
    assert!(text.contains("cancelled"), "{text}");
    against(&emu)
        .args(["interactions", "wait", &id])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "the interaction {id} ended cancelled"
        )));
}

#[test]
fn ctrl_c_during_a_wait_says_how_to_wait_again() {
    let emu = Emulator::builder()
        .agent_run_time(Duration::from_secs(30))
        .start();
    let started = against(&emu)
        .args(["interactions", "create", "--background", "--agent"])
        .args([DEEP_RESEARCH_AGENT, "ocean currents"])
        .assert()
        .success()
        .get_output()
        .clone();
    let id = row(&started, "id");
    let mut child = spawn_against(&emu, &["interactions", "wait", &id]);
    // Interrupted once the wait has asked about the run (its Ctrl-C handler is set by then).
    let step = Duration::from_millis(20);
    for _ in 0..500 {
        if !emu.requests_for("interactions.get").is_empty() {
            break;
        }
        std::thread::sleep(step);
    }
    assert!(
        !emu.requests_for("interactions.get").is_empty(),
        "the wait never asked about {id}"
    );
    let err = interrupted(&mut child);
    assert!(
        err.contains(&format!(
            "wait for it again with:\n  gemini-rs interactions wait {id}\n"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("gemini-rs interactions stream {id}")),
        "{err}"
    );
    // The run goes on: the interrupted wait did not cancel it.
    assert!(emu.requests_for("interactions.cancel").is_empty());
    let status = against(&emu)
        .args(["--output", "json", "interactions", "get", &id])
        .assert()
        .success()
        .get_output()
        .clone();
    let status = stdout_json(&status)["status"].clone();
    assert!(status == "queued" || status == "in_progress", "{status}");
}

#[test]
fn json_output_prints_the_interaction_objects() {
    let emu = Emulator::start();
    let created = against(&emu)
        .args([
            "--output",
            "json",
            "interactions",
            "create",
            "--no-stream",
            "Hi",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let created = stdout_json(&created);
    assert_eq!(created["object"], "interaction");
    assert_eq!(created["status"], "completed");
    let id = created["id"].as_str().unwrap();
    let got = against(&emu)
        .args(["--output", "json", "interactions", "get", id])
        .assert()
        .success()
        .get_output()
        .clone();
    let got = stdout_json(&got);
    assert_eq!(got["id"], id);
    assert_eq!(got["steps"], created["steps"]);
    // A stream: one event per line, the created one first and the completed one last.
    let streamed = against(&emu)
        .args(["--output", "json", "interactions", "create", "Hi"])
        .assert()
        .success()
        .get_output()
        .clone();
    let lines: Vec<Value> = stdout(&streamed)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["event_type"], "interaction.created");
    assert_eq!(lines.last().unwrap()["event_type"], "interaction.completed");
    // Delete: nothing on stdout with JSON, then the interaction is gone.
    against(&emu)
        .args(["--output", "json", "interactions", "delete", id])
        .assert()
        .success()
        .stdout("");
    against(&emu)
        .args(["interactions", "get", id])
        .assert()
        .code(3);
}

#[test]
fn an_unknown_interaction_exits_with_3() {
    gemini_rs()
        .args(["interactions", "get", "v1_nope"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("Interaction 'v1_nope' not found")
                .and(predicate::str::starts_with(NOTICE)),
        );
    let emu = Emulator::start();
    against(&emu)
        .args(["interactions", "create", "--previous", "v1_nope", "Hi"])
        .assert()
        .code(3);
    against(&emu)
        .args(["interactions", "stream", "v1_nope"])
        .assert()
        .code(3);
}

// --- live ----------------------------------------------------------------------------------

#[test]
fn live_answers_two_piped_lines() {
    gemini_rs()
        .arg("live")
        .write_stdin("Hello there\nName three planets\n")
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        .stdout("You said: Hello there (turn 1)\nYou said: Name three planets (turn 2)\n")
        .stderr(NOTICE);
}

#[test]
fn live_stops_at_exit_and_prints_json_turns() {
    let emu = Emulator::start();
    let out = against(&emu)
        .args(["--output", "json", "live"])
        .write_stdin("One\n\n/exit\nNever sent\n")
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        .get_output()
        .clone();
    let turn: Value = stdout_json(&out);
    assert_eq!(turn["input"], "One");
    assert_eq!(turn["text"], "You said: One (turn 1)");
}

#[test]
fn live_survives_a_go_away_and_a_dropped_connection() {
    let emu = Emulator::start();
    // A short answer streams as two text chunks, then generationComplete, turnComplete and a
    // resumption update. The first connection drops after the first chunk of the second
    // answer (the session sends the second message again and the answer starts over: printed
    // once all the same); the second gets goAway inside that answer (the session moves to a
    // third connection when the turn is over).
    emu.live_fault(LiveFault::drop_connection().after_server_messages(6));
    emu.live_fault(LiveFault::go_away(Duration::ZERO).after_server_messages(1));
    let out = against(&emu)
        .arg("live")
        .write_stdin("Hello there\nName three planets\n")
        .timeout(Duration::from_secs(40))
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(
        stdout(&out),
        "You said: Hello there (turn 1)\nYou said: Name three planets (turn 2)\n"
    );
    let err = stderr(&out);
    assert!(err.contains("gemini-rs: Reconnecting"), "{err}");
    assert!(err.contains("gemini-rs: Resumed"), "{err}");
    for line in err.lines() {
        assert!(line.starts_with("gemini-rs: "), "{err}");
    }
    // The drop always makes a second connection; whether the goAway near the end makes a third
    // depends on whether the session moves before stdin's end closes it.
    let connections = emu.count("live.connect");
    assert!((2..=3).contains(&connections), "{connections}: {err}");
}

/// A one-second 440 Hz tone at 44.1 kHz, as a WAV file in `dir`.
fn tone_wav(dir: &std::path::Path) -> std::path::PathBuf {
    let samples: Vec<i16> = (0..44_100)
        .map(|i| ((f64::from(i) * 440.0 * std::f64::consts::TAU / 44_100.0).sin() * 8000.0) as i16)
        .collect();
    let mut wav = Vec::new();
    pcm::write_wav(&mut wav, &pcm::samples_to_bytes(&samples), 44_100).unwrap();
    let path = dir.join("question.wav");
    std::fs::write(&path, wav).unwrap();
    path
}

/// A WAV file's length in seconds, and its sample rate.
fn wav_seconds(path: &std::path::Path) -> (f64, u32) {
    let (samples, rate) = pcm::read_wav(&std::fs::read(path).unwrap()).unwrap();
    (samples.len() as f64 / f64::from(rate), rate)
}

#[test]
fn live_speaks_a_wav_file_and_writes_the_spoken_answer() {
    let dir = tempfile::tempdir().unwrap();
    let question = tone_wav(dir.path());
    let answer = dir.path().join("answer.wav");
    gemini_rs()
        .arg("live")
        .arg("--audio-in")
        .arg(&question)
        .arg("--audio-out")
        .arg(&answer)
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        // The transcription of the spoken answer; the emulator hears the second of audio.
        .stdout("You said: [1.00 s of audio] (turn 1)\n")
        .stderr(
            predicate::str::starts_with(NOTICE)
                .and(predicate::str::contains(
                    "gemini-rs: heard: [1.00 s of audio]\n",
                ))
                .and(predicate::str::contains(format!(
                    "gemini-rs: wrote {}",
                    answer.display()
                ))),
        );
    let (seconds, rate) = wav_seconds(&answer);
    assert_eq!(rate, 24_000);
    assert!(seconds > 0.1, "{seconds}");
}

#[test]
fn live_audio_out_keeps_every_turn_and_prints_json_lines() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let answer = dir.path().join("answers.wav");
    let out = against(&emu)
        .args(["--output", "json", "live", "--audio-out"])
        .arg(&answer)
        .write_stdin("Hello\nName two planets\n")
        .timeout(Duration::from_secs(30))
        .assert()
        .success()
        .get_output()
        .clone();
    let turns: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(turns.len(), 2, "{}", stdout(&out));
    assert_eq!(turns[1]["input"], "Name two planets");
    // The text is the transcription of the spoken answer (the emulator sends one only when
    // the setup asks for it, with audio only when the answer is to be spoken).
    assert_eq!(turns[1]["text"], "You said: Name two planets (turn 2)");
    let total: f64 = turns
        .iter()
        .map(|t| t["audioSeconds"].as_f64().unwrap())
        .sum();
    assert!(
        turns
            .iter()
            .all(|t| t["audioSeconds"].as_f64().unwrap() > 0.0)
    );
    // The file holds both answers, one after the other.
    let (seconds, _) = wav_seconds(&answer);
    assert!((seconds - total).abs() < 0.001, "{seconds} vs {total}");
}

#[test]
fn a_file_that_is_not_a_wav_is_refused_before_connecting() {
    let emu = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.wav");
    std::fs::write(&bad, "not audio").unwrap();
    against(&emu)
        .args(["live", "--audio-in"])
        .arg(&bad)
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "error: {}: not a 16-bit PCM WAV: no RIFF/WAVE header\n",
            bad.display()
        ));
    assert_eq!(emu.count("live.connect"), 0);
}

/// Lines a child prints on `stream`, read by a thread, so that the test can wait for each one
/// with a bound.
fn line_reader(stream: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[test]
fn live_moves_to_a_new_connection_at_the_emulators_live_lifetime() {
    // `emulator --live-lifetime 1s`: every Live connection gets goAway (100 ms warning) and is
    // closed one second after it opened.
    let mut emulator = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args(["emulator", "--port", "0", "--live-lifetime", "1s"])
        .env_remove("GEMINI_API_KEY")
        .env_remove("GOOGLE_API_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let urls = line_reader(emulator.stdout.take().unwrap());
    let result = std::panic::catch_unwind(|| {
        let base = urls.recv_timeout(Duration::from_secs(10)).unwrap();
        let mut live = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
            .args(["--api-key", "k", "--base-url", &base, "live"])
            .env_remove("GEMINI_API_KEY")
            .env_remove("GOOGLE_API_KEY")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let answers = line_reader(live.stdout.take().unwrap());
        let notes = line_reader(live.stderr.take().unwrap());
        let mut stdin = live.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, b"Hello there\n").unwrap();
        let first = answers.recv_timeout(Duration::from_secs(10)).unwrap();
        // Past the first connection's lifetime, the second message.
        std::thread::sleep(Duration::from_millis(1500));
        std::io::Write::write_all(&mut stdin, b"Name three planets\n").unwrap();
        drop(stdin);
        let second = answers.recv_timeout(Duration::from_secs(20)).unwrap();
        let status = wait_bounded(&mut live, Duration::from_secs(20));
        let err: Vec<String> = notes.try_iter().collect();
        assert!(status.success(), "{status}: {err:?}");
        assert_eq!(first, "You said: Hello there (turn 1)");
        // The second turn is the conversation's second: the new connection resumed it.
        assert_eq!(second, "You said: Name three planets (turn 2)", "{err:?}");
        assert!(
            err.iter().any(|l| l.starts_with("gemini-rs: Reconnecting")),
            "{err:?}"
        );
        assert!(
            err.iter().any(|l| l.starts_with("gemini-rs: Resumed")),
            "{err:?}"
        );
    });
    interrupt(&emulator);
    let _ = wait_bounded(&mut emulator, Duration::from_secs(10));
    result.unwrap();
}

// --- emulator ------------------------------------------------------------------------------

#[test]
fn the_emulator_serves_tls_and_writes_its_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cert.pem");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-rs"))
        .args([
            "emulator",
            "--port",
            "0",
            "--tls",
            "--live-lifetime",
            "10m",
            "--cert-out",
        ])
        .arg(&pem)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut lines = Vec::new();
    for _ in 0..3 {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        lines.push(line.trim().to_owned());
    }
    let result = std::panic::catch_unwind(|| {
        assert!(lines[0].starts_with("http://127.0.0.1:"), "{lines:?}");
        let port = lines[0].rsplit(':').next().unwrap();
        assert_eq!(lines[1], format!("https://127.0.0.1:{port}"));
        assert!(
            lines[2].starts_with(&format!("wss://127.0.0.1:{port}/ws/")),
            "{lines:?}"
        );
        let cert = std::fs::read_to_string(&pem).unwrap();
        assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"), "{cert}");
        // Plain http still answers on the same port.
        gemini_rs()
            .args(["--api-key", "k", "--base-url", &lines[0], "generate", "Hi"])
            .assert()
            .success()
            .stdout("You said: Hi\n");
    });
    interrupt(&child);
    let status = wait_bounded(&mut child, Duration::from_secs(10));
    result.unwrap();
    assert_eq!(status.code(), Some(0));
}
