//! Pixel rectangles shared by the renderer (panel boxes), the comparer (ignore regions, change
//! bounding boxes), the config file (masks) and the reports.

use serde::{Deserialize, Serialize};

/// An axis-aligned rectangle in whole pixels; `x`/`y` is the top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn contains(&self, x: u32, y: u32) -> bool {
        x >= self.x && y >= self.y && x - self.x < self.width && y - self.y < self.height
    }

    /// This rectangle moved by (`dx`, `dy`).
    pub fn offset(&self, dx: u32, dy: u32) -> Rect {
        Rect { x: self.x + dx, y: self.y + dy, ..*self }
    }
}

impl std::fmt::Display for Rect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}x{}+{}+{}", self.width, self.height, self.x, self.y)
    }
}

impl std::str::FromStr for Rect {
    type Err = String;
    /// `WxH+X+Y`, the form `Display` writes (and X11 geometry strings use).
    fn from_str(text: &str) -> Result<Rect, String> {
        let bad = || format!("{text:?} is not WxH+X+Y (e.g. 200x40+10+300)");
        let (size, at) = text.split_once('+').ok_or_else(bad)?;
        let (w, h) = size.split_once('x').ok_or_else(bad)?;
        let (x, y) = at.split_once('+').ok_or_else(bad)?;
        let n = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
        Ok(Rect { x: n(x)?, y: n(y)?, width: n(w)?, height: n(h)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_strings_round_trip() {
        let r: Rect = "200x40+10+300".parse().unwrap();
        assert_eq!(r, Rect { x: 10, y: 300, width: 200, height: 40 });
        assert_eq!(r.to_string().parse::<Rect>().unwrap(), r);
        assert!("200x40".parse::<Rect>().is_err());
        assert!(r.contains(10, 300) && r.contains(209, 339) && !r.contains(210, 300));
    }
}
