//! 16-bit PCM helpers: resample to the 16 kHz the Live API takes, write its 24 kHz output to WAV.
//!
//! ```
//! use gemini_live::pcm;
//! // 10 ms of 48 kHz audio becomes 10 ms of 16 kHz audio.
//! let input: Vec<i16> = (0..480).map(|i| (i % 100) as i16).collect();
//! let out = pcm::resample(&input, 48_000, pcm::INPUT_RATE);
//! assert_eq!(out.len(), 160);
//! let mut wav = Vec::new();
//! pcm::write_wav(&mut wav, &pcm::samples_to_bytes(&out), pcm::INPUT_RATE).unwrap();
//! assert_eq!(&wav[..4], b"RIFF");
//! assert_eq!(wav.len(), 44 + 320);
//! ```

use std::io::{self, Write};

/// The input rate the Live API expects (`audio/pcm;rate=16000`).
pub const INPUT_RATE: u32 = 16_000;
/// The rate of the Live API's audio output (`audio/pcm;rate=24000`).
pub const OUTPUT_RATE: u32 = 24_000;

/// The sample rate in a MIME type such as `audio/pcm;rate=24000`.
pub fn rate_of_mime(mime: &str) -> Option<u32> {
    mime.split(';')
        .skip(1)
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("rate"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .filter(|r| *r > 0)
}

/// Little-endian 16-bit PCM bytes as samples (a trailing odd byte is ignored).
pub fn bytes_to_samples(bytes: &[u8]) -> Vec<i16> {
    bytes
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

/// Samples as little-endian 16-bit PCM bytes.
pub fn samples_to_bytes(samples: &[i16]) -> Vec<u8> {
    samples.iter().flat_map(|s| s.to_le_bytes()).collect()
}

/// Resamples mono 16-bit PCM from `from` Hz to `to` Hz by linear interpolation (enough for
/// speech; the output has `len * to / from` samples, rounded down). A zero rate gives no samples.
pub fn resample(input: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == 0 || to == 0 || input.is_empty() {
        return Vec::new();
    }
    if from == to {
        return input.to_vec();
    }
    let out_len = (input.len() as u64 * u64::from(to) / u64::from(from)) as usize;
    let mut out = Vec::with_capacity(out_len);
    let last = input.len() - 1;
    for i in 0..out_len {
        // Position in the input, in 1/to units, kept in integers to avoid drift.
        let pos = i as u64 * u64::from(from);
        let idx = (pos / u64::from(to)) as usize;
        let frac = (pos % u64::from(to)) as f64 / f64::from(to);
        let a = f64::from(input[idx.min(last)]);
        let b = f64::from(input[(idx + 1).min(last)]);
        out.push((a + (b - a) * frac).round() as i16);
    }
    out
}

/// Writes mono 16-bit PCM `pcm` (little-endian bytes) at `sample_rate` Hz as a WAV file.
pub fn write_wav(mut out: impl Write, pcm: &[u8], sample_rate: u32) -> io::Result<()> {
    let data_len = u32::try_from(pcm.len() & !1)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "PCM data over 4 GiB"))?;
    let riff_len = data_len
        .checked_add(36)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "PCM data over 4 GiB"))?;
    out.write_all(b"RIFF")?;
    out.write_all(&riff_len.to_le_bytes())?;
    out.write_all(b"WAVEfmt ")?;
    out.write_all(&16u32.to_le_bytes())?;
    out.write_all(&1u16.to_le_bytes())?; // PCM
    out.write_all(&1u16.to_le_bytes())?; // mono
    out.write_all(&sample_rate.to_le_bytes())?;
    out.write_all(&(sample_rate * 2).to_le_bytes())?; // byte rate
    out.write_all(&2u16.to_le_bytes())?; // block align
    out.write_all(&16u16.to_le_bytes())?; // bits per sample
    out.write_all(b"data")?;
    out.write_all(&data_len.to_le_bytes())?;
    out.write_all(&pcm[..data_len as usize])?;
    Ok(())
}

/// Reads a mono or stereo 16-bit PCM WAV file: its samples (stereo averaged to mono) and rate.
pub fn read_wav(bytes: &[u8]) -> io::Result<(Vec<i16>, u32)> {
    let bad = |m: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not a 16-bit PCM WAV: {m}"),
        )
    };
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(bad("no RIFF/WAVE header"));
    }
    let mut pos = 12;
    let mut format: Option<(u16, u32, u16)> = None;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let len = u32::from_le_bytes([
            bytes[pos + 4],
            bytes[pos + 5],
            bytes[pos + 6],
            bytes[pos + 7],
        ]) as usize;
        let body = bytes
            .get(pos + 8..(pos + 8).saturating_add(len))
            .ok_or_else(|| bad("truncated chunk"))?;
        if id == b"fmt " {
            if body.len() < 16 {
                return Err(bad("short fmt chunk"));
            }
            let tag = u16::from_le_bytes([body[0], body[1]]);
            let channels = u16::from_le_bytes([body[2], body[3]]);
            let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
            let bits = u16::from_le_bytes([body[14], body[15]]);
            if tag != 1 || bits != 16 || !(1..=2).contains(&channels) {
                return Err(bad("only mono or stereo 16-bit integer PCM is supported"));
            }
            format = Some((channels, rate, bits));
        } else if id == b"data" {
            let (channels, rate, _) = format.ok_or_else(|| bad("data before fmt"))?;
            let samples = bytes_to_samples(body);
            let mono = if channels == 2 {
                samples
                    .chunks_exact(2)
                    .map(|c| ((i32::from(c[0]) + i32::from(c[1])) / 2) as i16)
                    .collect()
            } else {
                samples
            };
            return Ok((mono, rate));
        }
        pos += 8 + len + (len & 1);
    }
    Err(bad("no data chunk"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_rates() {
        assert_eq!(rate_of_mime("audio/pcm;rate=24000"), Some(24_000));
        assert_eq!(rate_of_mime("audio/pcm; rate=16000"), Some(16_000));
        assert_eq!(rate_of_mime("audio/pcm"), None);
        assert_eq!(rate_of_mime("audio/pcm;rate=0"), None);
    }

    #[test]
    fn resample_keeps_a_ramp_a_ramp() {
        let ramp: Vec<i16> = (0..48).map(|i| i * 10).collect();
        let down = resample(&ramp, 48_000, 16_000);
        assert_eq!(down, (0..16).map(|i| i * 30).collect::<Vec<i16>>());
        let up = resample(&[0, 100], 8_000, 16_000);
        assert_eq!(up, vec![0, 50, 100, 100]);
        assert!(resample(&ramp, 0, 16_000).is_empty());
    }

    #[test]
    fn wav_round_trip() {
        let samples: Vec<i16> = vec![0, 1, -1, i16::MAX, i16::MIN];
        let mut wav = Vec::new();
        write_wav(&mut wav, &samples_to_bytes(&samples), OUTPUT_RATE).unwrap();
        let (back, rate) = read_wav(&wav).unwrap();
        assert_eq!((back, rate), (samples, OUTPUT_RATE));
        assert!(read_wav(b"RIFF\0\0\0\0WAVE").is_err());
        assert!(read_wav(b"nope").is_err());
    }
}
