//! A minimal MP4 (ISO base media file) writer for the videos Veo answers with: one video
//! track of uncompressed RGB frames (QuickTime `raw ` sample entry), laid out as `ftyp`,
//! `moov` (movie, track, media, sample tables) and `mdat`, which MP4 box parsers and
//! `ffprobe` accept.
//!
//! The frames are [`picture`](super::media::picture)s of the prompt scrolling sideways, so a
//! video is small (32 × 18 pixels, 8 frames a second: about 14 KB a second) and predictable.

use super::media::picture;

/// Frames per second.
pub(crate) const FPS: u32 = 8;
/// Media time units per second.
const TIMESCALE: u32 = 12_800;

/// A box: 32-bit size, type, payload.
fn boxed(kind: [u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 8);
    out.extend_from_slice(&((payload.len() + 8) as u32).to_be_bytes());
    out.extend_from_slice(&kind);
    out.extend_from_slice(payload);
    out
}

/// A full box: a box whose payload starts with version and flags.
fn full(kind: [u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(payload.len() + 4);
    p.extend_from_slice(&((u32::from(version) << 24) | (flags & 0x00ff_ffff)).to_be_bytes());
    p.extend_from_slice(payload);
    boxed(kind, &p)
}

fn u16s(out: &mut Vec<u8>, values: &[u16]) {
    for v in values {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

fn u32s(out: &mut Vec<u8>, values: &[u32]) {
    for v in values {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// The identity transformation matrix of `mvhd` and `tkhd`.
const MATRIX: [u32; 9] = [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000];

/// `(width, height)` of a video with aspect ratio `ratio` (`"16:9"` or `"9:16"`).
pub(crate) fn video_size(ratio: &str) -> (u32, u32) {
    if ratio == "9:16" { (18, 32) } else { (32, 18) }
}

/// An MP4 of `seconds` seconds at [`FPS`] showing `prompt`, `width` × `height` pixels.
#[allow(clippy::similar_names)] // The box names are the format's (`mvhd`, `mdhd`, `stsd`, ...).
pub(crate) fn video(prompt: &str, width: u32, height: u32, seconds: u32) -> Vec<u8> {
    let frames = (seconds * FPS).max(1);
    let still = picture(prompt, width, height);
    let row = width as usize * 3;
    let frame_bytes = still.len();
    let mut mdat = Vec::with_capacity(frame_bytes * frames as usize);
    for f in 0..frames as usize {
        // Scroll the picture left by one pixel a frame.
        let shift = (f % width as usize) * 3;
        for r in still.chunks(row) {
            mdat.extend_from_slice(&r[shift..]);
            mdat.extend_from_slice(&r[..shift]);
        }
    }
    let delta = TIMESCALE / FPS;
    let duration_ms = frames * 1000 / FPS;

    let ftyp = {
        let mut p = Vec::new();
        p.extend_from_slice(b"isom");
        u32s(&mut p, &[0x200]);
        p.extend_from_slice(b"isomiso2mp41");
        boxed(*b"ftyp", &p)
    };
    let mvhd = {
        let mut p = Vec::new();
        u32s(&mut p, &[0, 0, 1000, duration_ms, 0x0001_0000]);
        u16s(&mut p, &[0x0100, 0]);
        u32s(&mut p, &[0, 0]);
        u32s(&mut p, &MATRIX);
        u32s(&mut p, &[0; 6]);
        u32s(&mut p, &[2]);
        full(*b"mvhd", 0, 0, &p)
    };
    let tkhd = {
        let mut p = Vec::new();
        u32s(&mut p, &[0, 0, 1, 0, duration_ms, 0, 0]);
        u16s(&mut p, &[0, 0, 0, 0]);
        u32s(&mut p, &MATRIX);
        u32s(&mut p, &[width << 16, height << 16]);
        // Flags: enabled, in movie.
        full(*b"tkhd", 0, 3, &p)
    };
    let mdhd = {
        let mut p = Vec::new();
        u32s(&mut p, &[0, 0, TIMESCALE, frames * delta]);
        // Language `und`, packed.
        u16s(&mut p, &[0x55c4, 0]);
        full(*b"mdhd", 0, 0, &p)
    };
    let hdlr = {
        let mut p = Vec::new();
        u32s(&mut p, &[0]);
        p.extend_from_slice(b"vide");
        u32s(&mut p, &[0, 0, 0]);
        p.extend_from_slice(b"VideoHandler\0");
        full(*b"hdlr", 0, 0, &p)
    };
    let vmhd = full(*b"vmhd", 0, 1, &[0; 8]);
    let dinf = {
        let url = full(*b"url ", 0, 1, &[]);
        let mut p = Vec::new();
        u32s(&mut p, &[1]);
        p.extend_from_slice(&url);
        boxed(*b"dinf", &full(*b"dref", 0, 0, &p))
    };
    let stsd = {
        let mut entry = vec![0u8; 6];
        u16s(&mut entry, &[1, 0, 0]);
        u32s(&mut entry, &[0, 0, 0]);
        u16s(&mut entry, &[width as u16, height as u16]);
        u32s(&mut entry, &[0x0048_0000, 0x0048_0000, 0]);
        u16s(&mut entry, &[1]);
        let mut name = [0u8; 32];
        let label = b"gemini-emulator";
        name[0] = label.len() as u8;
        name[1..=label.len()].copy_from_slice(label);
        entry.extend_from_slice(&name);
        u16s(&mut entry, &[24, 0xffff]);
        let mut p = Vec::new();
        u32s(&mut p, &[1]);
        p.extend_from_slice(&boxed(*b"raw ", &entry));
        full(*b"stsd", 0, 0, &p)
    };
    let stts = full(
        *b"stts",
        0,
        0,
        &[1, frames, delta].map(u32::to_be_bytes).concat(),
    );
    let stsc = full(
        *b"stsc",
        0,
        0,
        &[1, 1, frames, 1].map(u32::to_be_bytes).concat(),
    );
    let stsz = full(
        *b"stsz",
        0,
        0,
        &[frame_bytes as u32, frames].map(u32::to_be_bytes).concat(),
    );
    // The chunk offset depends on the size of `moov`, which does not depend on its value.
    let moov_with = |offset: u32| {
        let stco = full(*b"stco", 0, 0, &[1, offset].map(u32::to_be_bytes).concat());
        let stbl = boxed(*b"stbl", &[&stsd[..], &stts, &stsc, &stsz, &stco].concat());
        let minf = boxed(*b"minf", &[&vmhd[..], &dinf, &stbl].concat());
        let mdia = boxed(*b"mdia", &[&mdhd[..], &hdlr, &minf].concat());
        let trak = boxed(*b"trak", &[&tkhd[..], &mdia].concat());
        boxed(*b"moov", &[&mvhd[..], &trak].concat())
    };
    let moov_len = moov_with(0).len();
    let moov = moov_with((ftyp.len() + moov_len + 8) as u32);
    let mut out = Vec::with_capacity(ftyp.len() + moov.len() + mdat.len() + 8);
    out.extend_from_slice(&ftyp);
    out.extend_from_slice(&moov);
    out.extend_from_slice(&boxed(*b"mdat", &mdat));
    out
}

/// The payload of the first top-level box of `kind` in `data`.
fn find(data: &[u8], kind: [u8; 4]) -> Option<&[u8]> {
    let mut rest = data;
    // Bounded: each turn consumes at least 8 bytes.
    while rest.len() >= 8 {
        let size = u32::from_be_bytes(rest[..4].try_into().ok()?) as usize;
        if size < 8 || size > rest.len() {
            return None;
        }
        if rest[4..8] == kind {
            return Some(&rest[8..size]);
        }
        rest = &rest[size..];
    }
    None
}

/// The whole seconds of an MP4 (its `moov/mvhd` duration), or `None` when `data` is not an
/// MP4 this writer could have made.
pub(crate) fn duration_seconds(data: &[u8]) -> Option<u32> {
    let mvhd = find(find(data, *b"moov")?, *b"mvhd")?;
    if mvhd.first() != Some(&0) || mvhd.len() < 20 {
        return None;
    }
    let timescale = u32::from_be_bytes(mvhd[12..16].try_into().ok()?);
    let duration = u32::from_be_bytes(mvhd[16..20].try_into().ok()?);
    (timescale > 0).then(|| duration / timescale)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The boxes of `data`: `(type, payload)` in order; `None` when the sizes do not add up.
    pub(crate) fn boxes(data: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
        let mut out = Vec::new();
        let mut rest = data;
        while !rest.is_empty() {
            let size = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
            if size < 8 || size > rest.len() {
                return None;
            }
            let kind: [u8; 4] = rest[4..8].try_into().ok()?;
            out.push((kind, &rest[8..size]));
            rest = &rest[size..];
        }
        Some(out)
    }

    fn child(data: &[u8], kind: [u8; 4]) -> &[u8] {
        boxes(data)
            .unwrap()
            .into_iter()
            .find(|(k, _)| *k == kind)
            .unwrap_or_else(|| panic!("no {}", String::from_utf8_lossy(&kind)))
            .1
    }

    fn u32_at(data: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(data[at..at + 4].try_into().unwrap())
    }

    #[test]
    #[allow(clippy::similar_names)] // The box names are the format's.
    fn the_mp4_walks_as_boxes_and_its_tables_point_at_the_frames() {
        let mp4 = video("a cat surfing", 32, 18, 4);
        let top = boxes(&mp4).unwrap();
        let kinds: Vec<&[u8; 4]> = top.iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, [b"ftyp", b"moov", b"mdat"]);
        assert_eq!(&top[0].1[..4], b"isom");
        let moov = top[1].1;
        let mvhd = child(moov, *b"mvhd");
        assert_eq!(u32_at(mvhd, 12), 1000);
        assert_eq!(u32_at(mvhd, 16), 4000);
        let trak = child(moov, *b"trak");
        let tkhd = child(trak, *b"tkhd");
        assert_eq!(u32_at(tkhd, 76) >> 16, 32);
        assert_eq!(u32_at(tkhd, 80) >> 16, 18);
        let mdia = child(trak, *b"mdia");
        assert_eq!(&child(mdia, *b"hdlr")[8..12], b"vide");
        let stbl = child(child(mdia, *b"minf"), *b"stbl");
        let stsd = child(stbl, *b"stsd");
        assert_eq!(&stsd[12..16], b"raw ");
        let frames = 4 * FPS;
        let stsz = child(stbl, *b"stsz");
        let frame = u32_at(stsz, 4);
        assert_eq!((frame, u32_at(stsz, 8)), (32 * 18 * 3, frames));
        let stco = child(stbl, *b"stco");
        let offset = u32_at(stco, 8) as usize;
        let mdat = top[2].1;
        assert_eq!(mdat.len(), (frame * frames) as usize);
        assert_eq!(&mp4[offset..offset + 16], &mdat[..16]);
        assert_eq!(offset + mdat.len(), mp4.len());
        assert_eq!(
            &mdat[..frame as usize],
            picture("a cat surfing", 32, 18).as_slice()
        );
        assert_eq!(mp4, video("a cat surfing", 32, 18, 4));
        assert_eq!(video_size("9:16"), (18, 32));
        assert_eq!(duration_seconds(&mp4), Some(4));
        assert_eq!(duration_seconds(b"not a video"), None);
    }
}
