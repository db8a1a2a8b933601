//! The screenshot comparer: decodes an approved baseline PNG and a fresh capture, decides whether
//! they match (pixelmatch's perceptual colour distance and anti-aliasing detector, with ignore
//! regions and a pixel budget), draws the diff image a reviewer looks at, and scores structural
//! similarity for failing captures. It never touches the file system: callers pass bytes and name
//! the files in their own messages.

use std::io::Cursor;
use std::num::NonZeroUsize;
use std::ops::Range;

use image::buffer::ConvertBuffer;
use image::codecs::png::{CompressionType, FilterType, PngDecoder, PngEncoder};
use image::{ColorType, DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, Limits, RgbImage, RgbaImage};
use serde::Serialize;

use crate::geometry::Rect;
use crate::pack::config::CompareSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    IdenticalBytes,
    IdenticalPixels,
    WithinBudget,
    Differs,
    SizeMismatch,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub verdict: Verdict,
    /// Pixels over the threshold that count against the budget.
    pub diff_pixels: u64,
    /// Pixels over the threshold left uncounted as anti-aliasing.
    pub antialiased_pixels: u64,
    /// Pixels over the threshold left uncounted because they lie in an ignore region.
    pub ignored_pixels: u64,
    pub expected_size: (u32, u32),
    pub actual_size: (u32, u32),
    /// Bounding box of the counted pixels.
    pub bbox: Option<Rect>,
}

impl Comparison {
    pub fn passed(&self) -> bool {
        matches!(self.verdict, Verdict::IdenticalBytes | Verdict::IdenticalPixels | Verdict::WithinBudget)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Expected,
    Actual,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Expected => "expected",
            Side::Actual => "actual",
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("cannot decode the {which} PNG: {message}")]
    Decode { which: Side, message: String },
}

/// Both images, kept so a diff image or a similarity score needs no second decode.
pub struct Decoded {
    pub expected: RgbaImage,
    pub actual: RgbaImage,
}

/// Decodes any PNG to 8-bit RGBA.
pub fn decode(png: &[u8]) -> Result<RgbaImage, String> {
    let decoder = png_decoder(png)?;
    let (width, height) = decoder.dimensions();
    // Chromium writes RGB, encode_png RGBA; anything else takes image's general conversion.
    let channels = match decoder.color_type() {
        ColorType::Rgb8 => 3,
        ColorType::Rgba8 => 4,
        _ => return DynamicImage::from_decoder(decoder).map(DynamicImage::into_rgba8).map_err(|e| e.to_string()),
    };
    let pixels = width as usize * height as usize;
    Limits::default().reserve(pixels as u64 * 4).map_err(|e| e.to_string())?;
    let mut buf = vec![0; pixels * 4];
    prefer_huge_pages(&mut buf);
    decoder.read_image(&mut buf[..pixels * channels]).map_err(|e| e.to_string())?;
    // RGB is decoded into the front of the RGBA buffer and widened in place, which saves
    // allocating and filling a second full-size image, a visible share of a diff's time.
    if channels == 3 {
        widen_rgb_in_place(&mut buf, pixels);
    }
    Ok(RgbaImage::from_raw(width, height, buf).expect("the buffer holds width * height RGBA pixels"))
}

/// Asks the kernel to back the 2 MiB-aligned middle of a fresh buffer with huge pages before its
/// first write. On this project's machines every first touch of a 4 KiB page costs about 3 µs, so
/// page faults took 4 ms of each 1600x900 decode (40% of it); huge pages halve that. Only a hint:
/// where transparent huge pages are off nothing changes, and the result is not checked.
fn prefer_huge_pages(buf: &mut [u8]) {
    const HUGE_PAGE: usize = 2 << 20;
    let start = (buf.as_mut_ptr() as usize).next_multiple_of(HUGE_PAGE);
    let end = (buf.as_mut_ptr() as usize + buf.len()) / HUGE_PAGE * HUGE_PAGE;
    if end > start {
        // SAFETY: the range lies within `buf`, which this function borrows mutably, and
        // MADV_HUGEPAGE changes neither the mapping nor its contents.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
    }
}

/// Turns the `pixels` RGB pixels at the front of `buf` into opaque RGBA filling all of it. Works
/// from the back in blocks copied out first, so no pixel is overwritten before it is read. Each
/// pixel is one 4-byte load (its RGB and the next pixel's red, which becomes the alpha): about
/// three times faster than copying byte by byte.
fn widen_rgb_in_place(buf: &mut [u8], pixels: usize) {
    const BLOCK: usize = 1024;
    let mut rgb = [0u8; BLOCK * 3 + 1];
    let mut end = pixels;
    while end > 0 {
        let start = end.saturating_sub(BLOCK);
        rgb[..(end - start) * 3].copy_from_slice(&buf[start * 3..end * 3]);
        for (i, rgba) in buf[start * 4..end * 4].chunks_exact_mut(4).enumerate() {
            let pixel = u32::from_le_bytes(rgb[i * 3..i * 3 + 4].try_into().expect("a 4-byte slice")) | 0xFF00_0000;
            rgba.copy_from_slice(&pixel.to_le_bytes());
        }
        end = start;
    }
}

/// The default limits keep a hostile header (say 100000x100000) from allocating without bound.
fn png_decoder(png: &[u8]) -> Result<PngDecoder<Cursor<&[u8]>>, String> {
    PngDecoder::with_limits(Cursor::new(png), Limits::default()).map_err(|e| e.to_string())
}

pub fn compare(expected_png: &[u8], actual_png: &[u8], settings: &CompareSettings) -> Result<(Comparison, Option<Decoded>), CompareError> {
    let error = |which| move |message| CompareError::Decode { which, message };
    if expected_png == actual_png {
        // Reading the header still rejects a corrupt file that happens to equal its baseline.
        let size = png_decoder(expected_png).map_err(error(Side::Expected))?.dimensions();
        let comparison = Comparison {
            verdict: Verdict::IdenticalBytes,
            diff_pixels: 0,
            antialiased_pixels: 0,
            ignored_pixels: 0,
            expected_size: size,
            actual_size: size,
            bbox: None,
        };
        return Ok((comparison, None));
    }
    // Decoding is most of a comparison's time and the two files are independent.
    let (expected, actual) = std::thread::scope(|s| {
        let actual = s.spawn(|| decode(actual_png));
        (decode(expected_png), actual.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    });
    let decoded = Decoded { expected: expected.map_err(error(Side::Expected))?, actual: actual.map_err(error(Side::Actual))? };
    let mut comparison = Comparison {
        verdict: Verdict::SizeMismatch,
        diff_pixels: 0,
        antialiased_pixels: 0,
        ignored_pixels: 0,
        expected_size: decoded.expected.dimensions(),
        actual_size: decoded.actual.dimensions(),
        bbox: None,
    };
    if comparison.expected_size == comparison.actual_size {
        let scan = Scan::new(&decoded, settings);
        let tally = for_bands(&mut [], 0, scan.width, scan.height, |rows, _| {
            let mut tally = Tally::default();
            for y in rows {
                let changed = scan.row(y, |x, class| tally.add(x, y, class));
                tally.changed |= changed;
            }
            tally
        })
        .into_iter()
        .fold(Tally::default(), Tally::merge);
        comparison.diff_pixels = tally.diff;
        comparison.antialiased_pixels = tally.antialiased;
        comparison.ignored_pixels = tally.ignored;
        comparison.bbox = tally.bbox.map(|[x0, y0, x1, y1]| Rect { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 });
        comparison.verdict = if !tally.changed {
            Verdict::IdenticalPixels
        } else if tally.diff > settings.max_diff_pixels {
            Verdict::Differs
        } else {
            Verdict::WithinBudget
        };
    }
    Ok((comparison, Some(decoded)))
}

const RED: [u8; 4] = [255, 0, 0, 255];
const YELLOW: [u8; 4] = [255, 255, 0, 255];
const MAGENTA: [u8; 4] = [255, 0, 255, 255];
const IGNORED_DIFF: [u8; 4] = [60, 120, 255, 255];
/// The diff image shows the expected image's contrast divided by this: pixelmatch's 10 (alpha 0.1)
/// is hard to read on dark dashboards, 5 keeps panels recognisable while the markings stand out.
const BACKDROP_FADE: u32 = 5;

/// The expected image faded toward white in grey, with counted differences red, anti-aliased ones
/// yellow, ignore regions tinted light blue (differences inside them a stronger blue), and a 1-px
/// magenta frame just outside `comparison.bbox`. When the sizes differ, the canvas covers both
/// extents: the faded expected image on white, with the actual image's extent framed in magenta.
pub fn diff_image(decoded: &Decoded, comparison: &Comparison, settings: &CompareSettings) -> RgbaImage {
    let (expected, actual) = (&decoded.expected, &decoded.actual);
    if expected.dimensions() != actual.dimensions() {
        let (width, height) = (expected.width().max(actual.width()), expected.height().max(actual.height()));
        let mut canvas = RgbaImage::from_pixel(width, height, image::Rgba([255; 4]));
        for (x, y, pixel) in expected.enumerate_pixels() {
            canvas.put_pixel(x, y, image::Rgba(backdrop(pixel.0)));
        }
        for (y, row) in canvas.chunks_exact_mut(width as usize * 4).enumerate() {
            tint_ignored(row, y as u32, &settings.ignore);
        }
        frame(&mut canvas, [0, 0, i64::from(actual.width()) - 1, i64::from(actual.height()) - 1]);
        return canvas;
    }
    let scan = Scan::new(decoded, settings);
    let row_bytes = scan.width * 4;
    let mut out = vec![0; row_bytes * scan.height];
    prefer_huge_pages(&mut out);
    for_bands(&mut out, row_bytes, scan.width, scan.height, |rows, band| {
        for (y, row) in rows.zip(band.chunks_exact_mut(row_bytes)) {
            let source = &expected.as_raw()[y * row_bytes..(y + 1) * row_bytes];
            for (to, from) in row.chunks_exact_mut(4).zip(source.chunks_exact(4)) {
                to.copy_from_slice(&backdrop([from[0], from[1], from[2], from[3]]));
            }
            tint_ignored(row, y as u32, &settings.ignore);
            scan.row(y, |x, class| {
                let colour = match class {
                    Class::Counted => RED,
                    Class::AntiAliased => YELLOW,
                    Class::Ignored => IGNORED_DIFF,
                };
                row[x * 4..x * 4 + 4].copy_from_slice(&colour);
            });
        }
    });
    let mut image = RgbaImage::from_raw(expected.width(), expected.height(), out).expect("the buffer holds one pixel per source pixel");
    if let Some(b) = comparison.bbox {
        let (x, y) = (i64::from(b.x), i64::from(b.y));
        frame(&mut image, [x - 1, y - 1, x + i64::from(b.width), y + i64::from(b.height)]);
    }
    image
}

/// pixelmatch's grey backdrop (luma faded toward white, weighted by alpha) in integers, since it
/// runs for every pixel of the image.
fn backdrop([r, g, b, a]: [u8; 4]) -> [u8; 4] {
    // pixelmatch's luma weights in 1/65536ths; they sum to 65536, so white stays white.
    let luma = 19588 * u32::from(r) + 38445 * u32::from(g) + 7503 * u32::from(b);
    let fade = (((255 << 16) - luma) >> 8) * u32::from(a) / (255 * 256 * BACKDROP_FADE);
    let value = 255 - fade as u8;
    [value, value, value, 255]
}

/// Shifts the grey backdrop of row `y` toward blue where an ignore region covers it.
fn tint_ignored(row: &mut [u8], y: u32, ignore: &[Rect]) {
    let width = (row.len() / 4) as u32;
    // A rectangle covers row y when it contains its own left edge there.
    for rect in ignore.iter().filter(|r| r.contains(r.x, y)) {
        for pixel in row[rect.x.min(width) as usize * 4..rect.x.saturating_add(rect.width).min(width) as usize * 4].chunks_exact_mut(4) {
            let v = pixel[0];
            pixel.copy_from_slice(&[v.saturating_sub(45), v.saturating_sub(20), v, 255]);
        }
    }
}

/// A 1-px magenta outline on the rectangle with inclusive corners `[x0, y0, x1, y1]`, clipped to
/// the image (corners may lie outside it).
fn frame(image: &mut RgbaImage, [x0, y0, x1, y1]: [i64; 4]) {
    let (width, height) = (i64::from(image.width()), i64::from(image.height()));
    let mut paint = |x: i64, y: i64| {
        if (0..width).contains(&x) && (0..height).contains(&y) {
            image.put_pixel(x as u32, y as u32, image::Rgba(MAGENTA));
        }
    };
    for x in x0..=x1 {
        paint(x, y0);
        paint(x, y1);
    }
    for y in y0..=y1 {
        paint(x0, y);
        paint(x1, y);
    }
}

/// Same pixels, same bytes: fixed settings, no metadata. Baselines are written with it and decoded
/// on every check, so the settings weigh decoding too. For a 1600x900 dashboard, fast deflate with
/// adaptive filters takes 6 ms and 205 KB and decodes in 5 ms; the Sub filter alone is 3 ms faster
/// but 45% larger, Paeth alone decodes twice as slowly, and zlib-style levels 2-4 save another 30%
/// for 30 ms more.
pub fn encode_png(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
        .write_image(image.as_raw(), image.width(), image.height(), ExtendedColorType::Rgba8)
        .expect("encoding a well-formed RGBA buffer into memory cannot fail");
    bytes
}

/// image-compare's MSSIM over the RGB channels (alpha dropped): 1.0 is identical. Slow, so only
/// for captures that already failed.
pub fn structural_similarity(decoded: &Decoded) -> Option<f64> {
    let expected: RgbImage = decoded.expected.convert();
    let actual: RgbImage = decoded.actual.convert();
    image_compare::rgb_similarity_structure(&image_compare::Algorithm::MSSIMSimple, &expected, &actual)
        .ok()
        .map(|similarity| similarity.score)
}

/// Why a pixel over the threshold was or was not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Counted,
    AntiAliased,
    Ignored,
}

#[derive(Default)]
struct Tally {
    /// Some byte differed, even if no pixel passed the threshold.
    changed: bool,
    diff: u64,
    antialiased: u64,
    ignored: u64,
    /// Inclusive corners `[x0, y0, x1, y1]` of the counted pixels.
    bbox: Option<[u32; 4]>,
}

impl Tally {
    fn add(&mut self, x: usize, y: usize, class: Class) {
        match class {
            Class::Counted => {
                self.diff += 1;
                let (x, y) = (x as u32, y as u32);
                self.bbox = Some(self.bbox.map_or([x, y, x, y], |[x0, y0, x1, y1]| [x0.min(x), y0.min(y), x1.max(x), y1.max(y)]));
            }
            Class::AntiAliased => self.antialiased += 1,
            Class::Ignored => self.ignored += 1,
        }
    }

    fn merge(self, other: Tally) -> Tally {
        let bbox = match (self.bbox, other.bbox) {
            (Some([a0, b0, a1, b1]), Some([c0, d0, c1, d1])) => Some([a0.min(c0), b0.min(d0), a1.max(c1), b1.max(d1)]),
            (one, other) => one.or(other),
        };
        Tally {
            changed: self.changed || other.changed,
            diff: self.diff + other.diff,
            antialiased: self.antialiased + other.antialiased,
            ignored: self.ignored + other.ignored,
            bbox,
        }
    }
}

/// Below this many pixels a thread costs more than it saves.
const PARALLEL_MIN_PIXELS: usize = 1 << 18;

/// Runs `work` over consecutive bands of rows, one per core, the first on this thread, results in
/// band order. `out` (`row_bytes` per row, or empty) is split so each band writes its own rows.
fn for_bands<T: Send>(
    out: &mut [u8],
    row_bytes: usize,
    width: usize,
    height: usize,
    work: impl Fn(Range<usize>, &mut [u8]) -> T + Sync,
) -> Vec<T> {
    let threads = if width * height < PARALLEL_MIN_PIXELS { 1 } else { std::thread::available_parallelism().map_or(1, NonZeroUsize::get) };
    let rows_per_band = height.div_ceil(threads).max(1);
    let work = &work;
    std::thread::scope(|s| {
        let mut bands = Vec::new();
        let mut rest = out;
        for start in (0..height).step_by(rows_per_band) {
            let rows = start..(start + rows_per_band).min(height);
            let (band, tail) = std::mem::take(&mut rest).split_at_mut(rows.len() * row_bytes);
            rest = tail;
            bands.push((rows, band));
        }
        let mut bands = bands.into_iter();
        let Some((first_rows, first_band)) = bands.next() else {
            return Vec::new();
        };
        let others: Vec<_> = bands.map(|(rows, band)| s.spawn(move || work(rows, band))).collect();
        let mut results = vec![work(first_rows, first_band)];
        results.extend(others.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))));
        results
    })
}

/// pixelmatch's per-pixel decision over two equally sized RGBA buffers.
struct Scan<'a> {
    expected: &'a [u8],
    actual: &'a [u8],
    width: usize,
    height: usize,
    /// Squared YIQ distance above which two colours differ.
    max_delta: f64,
    detect_antialiasing: bool,
    ignore: &'a [Rect],
}

impl<'a> Scan<'a> {
    fn new(decoded: &'a Decoded, settings: &'a CompareSettings) -> Scan<'a> {
        Scan {
            expected: decoded.expected.as_raw(),
            actual: decoded.actual.as_raw(),
            width: decoded.expected.width() as usize,
            height: decoded.expected.height() as usize,
            // 35215 is the largest possible squared YIQ distance (black against white).
            max_delta: 35215.0 * settings.threshold * settings.threshold,
            detect_antialiasing: settings.detect_antialiasing,
            ignore: &settings.ignore,
        }
    }

    /// Calls `visit` with the x and class of each pixel of row `y` over the threshold; false when
    /// the row is byte for byte the same.
    fn row(&self, y: usize, mut visit: impl FnMut(usize, Class)) -> bool {
        let bytes = y * self.width * 4..(y + 1) * self.width * 4;
        let (expected, actual) = (&self.expected[bytes.clone()], &self.actual[bytes]);
        // Most rows of a screenshot are unchanged; one memcmp settles them.
        if expected == actual {
            return false;
        }
        for (x, (e, a)) in expected.chunks_exact(4).zip(actual.chunks_exact(4)).enumerate() {
            if e == a || color_delta(e, a) <= self.max_delta {
                continue;
            }
            let class = if self.ignore.iter().any(|r| r.contains(x as u32, y as u32)) {
                Class::Ignored
            } else if self.detect_antialiasing
                && (self.antialiased(self.expected, self.actual, x, y) || self.antialiased(self.actual, self.expected, x, y))
            {
                Class::AntiAliased
            } else {
                Class::Counted
            };
            visit(x, class);
        }
        true
    }

    fn pixel(&self, image: &[u8], x: usize, y: usize) -> [u8; 4] {
        let p = &image[(y * self.width + x) * 4..][..4];
        [p[0], p[1], p[2], p[3]]
    }

    /// pixelmatch's antialiased(): the pixel at (x1, y1) of `image` lies on an intensity slope
    /// between a darkest and a brightest neighbour, one of which sits in a flat area in both
    /// images. Neighbours are visited column by column as pixelmatch does, since ties keep the
    /// first one found.
    fn antialiased(&self, image: &[u8], other: &[u8], x1: usize, y1: usize) -> bool {
        let (x0, y0) = (x1.saturating_sub(1), y1.saturating_sub(1));
        let (x2, y2) = ((x1 + 1).min(self.width - 1), (y1 + 1).min(self.height - 1));
        let centre = self.pixel(image, x1, y1);
        let mut zeroes = u32::from(x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2);
        let (mut min, mut max) = (0.0, 0.0);
        // A negative delta means the neighbour is brighter than the centre.
        let (mut brightest, mut darkest) = ((0, 0), (0, 0));
        for x in x0..=x2 {
            for y in y0..=y2 {
                if x == x1 && y == y1 {
                    continue;
                }
                let delta = brightness_delta(centre, self.pixel(image, x, y));
                if delta == 0.0 {
                    zeroes += 1;
                    // More than two equal neighbours: a flat area, not an edge.
                    if zeroes > 2 {
                        return false;
                    }
                } else if delta < min {
                    min = delta;
                    brightest = (x, y);
                } else if delta > max {
                    max = delta;
                    darkest = (x, y);
                }
            }
        }
        if min == 0.0 || max == 0.0 {
            return false;
        }
        (self.many_siblings(image, brightest) && self.many_siblings(other, brightest))
            || (self.many_siblings(image, darkest) && self.many_siblings(other, darkest))
    }

    /// pixelmatch's hasManySiblings(): three or more neighbours exactly equal to the pixel.
    fn many_siblings(&self, image: &[u8], (x1, y1): (usize, usize)) -> bool {
        let (x0, y0) = (x1.saturating_sub(1), y1.saturating_sub(1));
        let (x2, y2) = ((x1 + 1).min(self.width - 1), (y1 + 1).min(self.height - 1));
        let centre = self.pixel(image, x1, y1);
        let mut zeroes = u32::from(x1 == x0 || x1 == x2 || y1 == y0 || y1 == y2);
        for x in x0..=x2 {
            for y in y0..=y2 {
                if (x != x1 || y != y1) && self.pixel(image, x, y) == centre {
                    zeroes += 1;
                    if zeroes > 2 {
                        return true;
                    }
                }
            }
        }
        false
    }
}

/// Channel differences after blending both pixels on white, computed as pixelmatch does (integer
/// products, one division) so that results match it to the last bit. Opaque pixels, nearly all of
/// a screenshot, skip the blend: it would give the same plain differences.
fn blended_differences(p: &[u8], q: &[u8]) -> [f64; 3] {
    let (a1, a2) = (i32::from(p[3]), i32::from(q[3]));
    let difference = |c: usize| {
        let (c1, c2) = (i32::from(p[c]), i32::from(q[c]));
        if a1 == 255 && a2 == 255 {
            f64::from(c1 - c2)
        } else {
            f64::from(c1 * a1 - c2 * a2 - 255 * (a1 - a2)) / 255.0
        }
    };
    [difference(0), difference(1), difference(2)]
}

/// Squared YIQ distance (Kotsarenko and Ramos), 0 ..= 35215.
fn color_delta(p: &[u8], q: &[u8]) -> f64 {
    let [dr, dg, db] = blended_differences(p, q);
    let y = dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223;
    let i = dr * 0.59597799 - dg * 0.27417610 - db * 0.32180189;
    let q = dr * 0.21147017 - dg * 0.52261711 + db * 0.31114694;
    0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
}

/// Signed luma difference, positive when `centre` is brighter.
fn brightness_delta(centre: [u8; 4], neighbour: [u8; 4]) -> f64 {
    if centre == neighbour {
        return 0.0;
    }
    let [dr, dg, db] = blended_differences(&centre, &neighbour);
    dr * 0.29889531 + dg * 0.58662247 + db * 0.11448223
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixtures are described in tests/fixtures/compare/README.md.
    fn fixture(name: &str) -> Vec<u8> {
        let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/compare")).join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn run(actual: &str, settings: &CompareSettings) -> (Comparison, Option<Decoded>) {
        compare(&fixture("base.png"), &fixture(actual), settings).unwrap_or_else(|e| panic!("{actual}: {e}"))
    }

    fn with(change: impl FnOnce(&mut CompareSettings)) -> CompareSettings {
        let mut settings = CompareSettings::default();
        change(&mut settings);
        settings
    }

    #[test]
    fn identical_bytes_are_not_decoded() {
        let (comparison, decoded) = run("base.png", &CompareSettings::default());
        assert_eq!(comparison.verdict, Verdict::IdenticalBytes);
        assert_eq!((comparison.expected_size, comparison.actual_size), ((64, 48), (64, 48)));
        assert!(decoded.is_none());
        assert!(comparison.passed());
    }

    #[test]
    fn same_pixels_in_another_encoding_are_identical_pixels() {
        assert_ne!(fixture("base.png"), fixture("base_reencoded.png"));
        let (comparison, decoded) = run("base_reencoded.png", &CompareSettings::default());
        assert_eq!(comparison.verdict, Verdict::IdenticalPixels);
        assert!(decoded.is_some());
        assert!(comparison.passed());
    }

    #[test]
    fn rgb_is_widened_to_opaque_rgba_like_the_generic_conversion() {
        let png = fixture("base.png");
        let decoded = decode(&png).unwrap();
        assert_eq!(decoded, image::load_from_memory(&png).unwrap().into_rgba8());
        assert_eq!(decoded.get_pixel(0, 0).0, [24, 27, 31, 255]);
        assert_eq!(decoded.get_pixel(41, 30).0, [87, 148, 242, 255]);
        assert_eq!(decoded.get_pixel(63, 47).0, [24, 27, 31, 255]);
    }

    #[test]
    fn one_changed_pixel_differs_with_its_bounding_box() {
        let (comparison, _) = run("one_pixel.png", &CompareSettings::default());
        assert_eq!(comparison.verdict, Verdict::Differs);
        assert_eq!(comparison.diff_pixels, 1);
        assert_eq!(comparison.bbox, Some(Rect { x: 10, y: 5, width: 1, height: 1 }));
        assert!(!comparison.passed());
    }

    #[test]
    fn an_antialiased_edge_moved_by_one_pixel_passes_only_with_detection() {
        let (detected, _) = run("aa_shift.png", &CompareSettings::default());
        assert_eq!((detected.verdict, detected.diff_pixels, detected.antialiased_pixels), (Verdict::WithinBudget, 0, 2));
        assert!(detected.passed());
        let (counted, _) = run("aa_shift.png", &with(|s| s.detect_antialiasing = false));
        assert_eq!((counted.verdict, counted.diff_pixels, counted.antialiased_pixels), (Verdict::Differs, 2, 0));
        assert_eq!(counted.bbox, Some(Rect { x: 47, y: 32, width: 2, height: 1 }));
    }

    /// pixelmatch 7.2.0 counts 72 differing pixels here, 140 with includeAA (fixtures README): the
    /// anti-aliasing detector must agree with it pixel for pixel, not just in spirit.
    #[test]
    fn a_moved_line_counts_exactly_what_pixelmatch_counts() {
        let (detected, _) = run("line_moved.png", &CompareSettings::default());
        assert_eq!((detected.verdict, detected.diff_pixels, detected.antialiased_pixels), (Verdict::Differs, 72, 68));
        let (counted, _) = run("line_moved.png", &with(|s| s.detect_antialiasing = false));
        assert_eq!((counted.diff_pixels, counted.antialiased_pixels), (140, 0));
    }

    /// The YIQ distance from Kotsarenko and Ramos written out independently of the module's.
    fn yiq_delta(p: [u8; 3], q: [u8; 3]) -> f64 {
        let [r, g, b] = [0, 1, 2].map(|c| f64::from(p[c]) - f64::from(q[c]));
        let y = 0.29889531 * r + 0.58662247 * g + 0.11448223 * b;
        let i = 0.59597799 * r - 0.27417610 * g - 0.32180189 * b;
        let q = 0.21147017 * r - 0.52261711 * g + 0.31114694 * b;
        0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
    }

    #[test]
    fn a_colour_change_just_under_the_threshold_passes_and_just_over_fails() {
        let base = decode(&fixture("base.png")).unwrap();
        let background = base.get_pixel(20, 4).0;
        let limit = 35215.0 * 0.1 * 0.1;
        let brighter = |k: u8| [0, 1, 2].map(|c| background[c] + k);
        let over = (1..=200).find(|&k| yiq_delta(background[..3].try_into().unwrap(), brighter(k)) > limit).unwrap();
        let under = over - 1;
        assert!(yiq_delta(background[..3].try_into().unwrap(), brighter(under)) <= limit);
        let expected = fixture("base.png");
        for (k, verdict, diff_pixels) in [(under, Verdict::WithinBudget, 0), (over, Verdict::Differs, 1)] {
            let mut actual = base.clone();
            let [r, g, b] = brighter(k);
            actual.put_pixel(20, 4, image::Rgba([r, g, b, 255]));
            let (comparison, _) = compare(&expected, &encode_png(&actual), &CompareSettings::default()).unwrap();
            assert_eq!((comparison.verdict, comparison.diff_pixels), (verdict, diff_pixels), "background brightened by {k}");
        }
    }

    /// Chromium's captures are opaque, but a PNG with alpha is compared as pixelmatch would see it
    /// over white: a fully transparent pixel equals white, whatever its colour channels hold.
    #[test]
    fn transparent_pixels_are_compared_as_blended_on_white() {
        let white = RgbaImage::from_pixel(8, 8, image::Rgba([255, 255, 255, 255]));
        let expected = encode_png(&white);
        for (pixel, diff_pixels) in [([0, 0, 0, 0], 0), ([0, 0, 0, 255], 1), ([0, 0, 0, 128], 1)] {
            let mut actual = white.clone();
            actual.put_pixel(3, 3, image::Rgba(pixel));
            let (comparison, _) = compare(&expected, &encode_png(&actual), &CompareSettings::default()).unwrap();
            assert_eq!(comparison.diff_pixels, diff_pixels, "{pixel:?} over white");
        }
    }

    #[test]
    fn a_change_inside_an_ignore_region_passes_and_outside_fails() {
        let (inside, _) = run("one_pixel.png", &with(|s| s.ignore = vec![Rect { x: 8, y: 3, width: 5, height: 5 }]));
        assert_eq!((inside.verdict, inside.diff_pixels, inside.ignored_pixels, inside.bbox), (Verdict::WithinBudget, 0, 1, None));
        let (outside, _) = run("one_pixel.png", &with(|s| s.ignore = vec![Rect { x: 11, y: 3, width: 5, height: 5 }]));
        assert_eq!((outside.verdict, outside.diff_pixels, outside.ignored_pixels), (Verdict::Differs, 1, 0));
    }

    #[test]
    fn the_budget_allows_exactly_max_diff_pixels() {
        let (fits, _) = run("legend_colour.png", &with(|s| s.max_diff_pixels = 12));
        assert_eq!((fits.verdict, fits.diff_pixels), (Verdict::WithinBudget, 12));
        assert_eq!(fits.bbox, Some(Rect { x: 4, y: 2, width: 4, height: 3 }));
        let (over, _) = run("legend_colour.png", &with(|s| s.max_diff_pixels = 11));
        assert_eq!((over.verdict, over.diff_pixels), (Verdict::Differs, 12));
    }

    #[test]
    fn different_sizes_are_a_size_mismatch_with_both_sizes() {
        let (comparison, decoded) = run("cropped.png", &CompareSettings::default());
        assert_eq!(comparison.verdict, Verdict::SizeMismatch);
        assert_eq!((comparison.expected_size, comparison.actual_size), ((64, 48), (64, 40)));
        assert_eq!(comparison.diff_pixels, 0);
        assert!(!comparison.passed());
        let decoded = decoded.unwrap();
        assert_eq!(structural_similarity(&decoded), None);
        let image = diff_image(&decoded, &comparison, &CompareSettings::default());
        assert_eq!(image.dimensions(), (64, 48));
        // The actual image's extent is framed on its own border.
        assert_eq!((image.get_pixel(0, 0).0, image.get_pixel(30, 39).0), (MAGENTA, MAGENTA));
        assert_ne!(image.get_pixel(30, 40).0, MAGENTA);
    }

    #[test]
    fn a_truncated_png_is_a_decode_error_naming_its_side() {
        let (base, truncated) = (fixture("base.png"), fixture("truncated.png"));
        for (expected, actual, side) in [(&base, &truncated, Side::Actual), (&truncated, &base, Side::Expected)] {
            match compare(expected, actual, &CompareSettings::default()) {
                Err(error @ CompareError::Decode { which, .. }) => {
                    assert_eq!(which, side);
                    assert!(error.to_string().starts_with(&format!("cannot decode the {side} PNG: ")), "{error}");
                }
                Ok((comparison, _)) => panic!("decoded a truncated file: {comparison:?}"),
            }
        }
    }

    #[test]
    fn the_diff_image_marks_the_changed_pixel_red_inside_a_magenta_frame() {
        let settings = CompareSettings::default();
        let (comparison, decoded) = run("one_pixel.png", &settings);
        let image = diff_image(&decoded.unwrap(), &comparison, &settings);
        assert_eq!(image.dimensions(), (64, 48));
        assert_eq!(image.get_pixel(10, 5).0, RED);
        for (x, y) in [(9, 4), (10, 4), (11, 4), (9, 5), (11, 5), (9, 6), (10, 6), (11, 6)] {
            assert_eq!(image.get_pixel(x, y).0, MAGENTA, "frame at ({x}, {y})");
        }
        let [r, g, b, a] = image.get_pixel(30, 20).0;
        assert!(r == g && g == b && r > 200 && a == 255, "backdrop is light grey, got {:?}", [r, g, b, a]);
    }

    #[test]
    fn the_diff_image_shows_antialiasing_yellow_and_ignore_regions_blue() {
        let settings = with(|s| s.ignore = vec![Rect { x: 0, y: 0, width: 16, height: 8 }]);
        let (comparison, decoded) = run("aa_shift.png", &settings);
        let image = diff_image(&decoded.unwrap(), &comparison, &settings);
        assert_eq!((image.get_pixel(47, 32).0, image.get_pixel(48, 32).0), (YELLOW, YELLOW));
        let [r, g, b, _] = image.get_pixel(15, 7).0;
        assert!(r < g && g < b, "ignore region tinted blue, got {:?}", [r, g, b]);
        let [r, g, b, _] = image.get_pixel(16, 7).0;
        assert!(r == g && g == b, "outside the region stays grey, got {:?}", [r, g, b]);
    }

    #[test]
    fn encoding_is_deterministic_and_lossless() {
        let image = decode(&fixture("legend_colour.png")).unwrap();
        let png = encode_png(&image);
        assert_eq!(png, encode_png(&image.clone()));
        assert_eq!(decode(&png).unwrap(), image);
    }

    #[test]
    fn structural_similarity_is_one_for_equal_pixels_and_less_for_a_change() {
        let (_, same) = run("base_reencoded.png", &CompareSettings::default());
        assert_eq!(structural_similarity(&same.unwrap()), Some(1.0));
        let (_, changed) = run("legend_colour.png", &CompareSettings::default());
        let score = structural_similarity(&changed.unwrap()).unwrap();
        assert!(score < 1.0, "{score}");
    }

    /// Large enough to be split into bands of rows on several threads, with changes in the first
    /// row, the last row and the middle.
    #[test]
    fn a_large_image_counts_changes_in_every_band() {
        let expected = RgbaImage::from_pixel(640, 480, image::Rgba([24, 27, 31, 255]));
        const { assert!(640 * 480 >= PARALLEL_MIN_PIXELS) };
        let mut actual = expected.clone();
        for (x, y) in [(5, 0), (320, 240), (600, 479)] {
            actual.put_pixel(x, y, image::Rgba([255, 255, 255, 255]));
        }
        let settings = CompareSettings::default();
        let (comparison, decoded) = compare(&encode_png(&expected), &encode_png(&actual), &settings).unwrap();
        assert_eq!((comparison.diff_pixels, comparison.bbox), (3, Some(Rect { x: 5, y: 0, width: 596, height: 480 })));
        let image = diff_image(&decoded.unwrap(), &comparison, &settings);
        for (x, y) in [(5, 0), (320, 240), (600, 479)] {
            assert_eq!(image.get_pixel(x, y).0, RED);
        }
    }
}
