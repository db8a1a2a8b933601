//! TEMPORARY stand-in until the compare engine lands (overwritten by it).
use crate::geometry::Rect;
#[derive(Debug, Clone)]
pub struct Settings { pub threshold: f64, pub max_diff_pixels: u64, pub detect_antialiasing: bool, pub ignore: Vec<Rect> }
impl Default for Settings { fn default() -> Self { Settings { threshold: 0.1, max_diff_pixels: 0, detect_antialiasing: true, ignore: vec![] } } }
pub fn decode(png: &[u8]) -> Result<image::RgbaImage, String> { image::load_from_memory_with_format(png, image::ImageFormat::Png).map(|i| i.into_rgba8()).map_err(|e| e.to_string()) }
pub fn encode_png(image: &image::RgbaImage) -> Vec<u8> { let mut out = Vec::new(); image.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap(); out }
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Verdict { IdenticalBytes, IdenticalPixels, WithinBudget, Differs, SizeMismatch }
#[derive(Debug, Clone)]
pub struct Comparison { pub verdict: Verdict, pub diff_pixels: u64, pub antialiased_pixels: u64, pub ignored_pixels: u64, pub expected_size: (u32,u32), pub actual_size: (u32,u32), pub bbox: Option<Rect> }
impl Comparison { pub fn passed(&self) -> bool { matches!(self.verdict, Verdict::IdenticalBytes | Verdict::IdenticalPixels | Verdict::WithinBudget) } }
#[derive(Debug, Clone, Copy)] pub enum Side { Expected, Actual }
#[derive(Debug, thiserror::Error)] pub enum CompareError { #[error("{message}")] Decode { which: Side, message: String } }
pub struct Decoded { pub expected: image::RgbaImage, pub actual: image::RgbaImage }
pub fn compare(expected_png: &[u8], actual_png: &[u8], _settings: &Settings) -> Result<(Comparison, Option<Decoded>), CompareError> {
    let e = decode(expected_png).map_err(|message| CompareError::Decode { which: Side::Expected, message })?;
    let a = decode(actual_png).map_err(|message| CompareError::Decode { which: Side::Actual, message })?;
    let verdict = if e.dimensions() != a.dimensions() { Verdict::SizeMismatch } else if e == a { Verdict::IdenticalPixels } else { Verdict::Differs };
    Ok((Comparison { verdict, diff_pixels: 0, antialiased_pixels: 0, ignored_pixels: 0, expected_size: e.dimensions(), actual_size: a.dimensions(), bbox: None }, Some(Decoded { expected: e, actual: a })))
}
pub fn diff_image(decoded: &Decoded, _c: &Comparison, _s: &Settings) -> image::RgbaImage { decoded.expected.clone() }
pub fn structural_similarity(_decoded: &Decoded) -> Option<f64> { None }
