//! A merchant's photo as uploaded → a clean JPEG and its thumbnail. The type comes from the
//! content (magic bytes), never the file name or the declared type; the image is decoded and
//! drawn again as JPEG, so nothing of the upload but its pixels is kept (no EXIF, no GPS
//! position, no script hidden in a "picture"). Files are named by the SHA-256 of the result.

use crate::tokens;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// One photo as uploaded: a phone's camera photo is 2–6 MB.
pub const FILE_LIMIT: usize = 8 * 1024 * 1024;
/// A whole registration with both photos.
pub const REQUEST_LIMIT: usize = 20 * 1024 * 1024;
/// The thumbnail's longest side (a list row on a phone).
pub const THUMB_PX: u32 = 320;
/// The stored photo's longest side: a licence stays readable, a shop front loads on 4G.
const STORED_PX: u32 = 2048;
/// Larger images are refused before their pixels are allocated (a "decompression bomb").
const MAX_SIDE: u32 = 12_000;

/// What a photo shows: the shop front is public, the licence is for staff only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Shopfront,
    Licence,
}

impl Kind {
    pub fn from_part(name: &str) -> Option<Kind> {
        match name {
            "shopfront" => Some(Kind::Shopfront),
            "licence" => Some(Kind::Licence),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Shopfront => "shopfront",
            Kind::Licence => "licence",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Shopfront => "门头照片",
            Kind::Licence => "营业执照照片",
        }
    }
}

/// A photo ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    /// Hex SHA-256 of `jpeg`.
    pub hash: String,
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, PartialEq, Eq)]
pub enum PhotoError {
    /// Not a JPEG, PNG or WebP by its content.
    NotAnImage,
    /// Looks like one but does not decode (truncated, corrupt, too large).
    Broken(String),
}

/// The format by the file's first bytes.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// A JPEG cut off in transfer still decodes (the decoder fills the missing rows with grey), so
/// it is refused here: its last scan (after the last SOS marker) must reach an EOI marker.
/// Markers cannot occur inside the entropy-coded data (0xFF is stuffed there), and data some
/// phones append after EOI comes after it.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let Some(sos) = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]) else {
        return false;
    };
    bytes[sos..].windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Checks, decodes (turned upright by its EXIF orientation) and re-encodes an uploaded photo.
/// CPU-bound: call it off the async threads.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    let format = sniff(bytes).ok_or(PhotoError::NotAnImage)?;
    let broken = |e: image::ImageError| PhotoError::Broken(e.to_string());
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Broken("truncated JPEG (no end marker)".into()));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(broken)?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > STORED_PX {
        img = img.resize(STORED_PX, STORED_PX, FilterType::Triangle);
    }
    let img = DynamicImage::ImageRgb8(img.to_rgb8());
    let jpeg = encode(&img, 85).map_err(broken)?;
    let thumb = encode(&img.thumbnail(THUMB_PX, THUMB_PX), 80).map_err(broken)?;
    Ok(Processed {
        hash: tokens::hex(&Sha256::digest(&jpeg)),
        jpeg,
        thumb,
        width: img.width(),
        height: img.height(),
    })
}

fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(img)?;
    Ok(out)
}

/// `{hash}.jpg` or `{hash}.thumb.jpg` (lower-case hex SHA-256): the only names served.
pub fn parse_file_name(name: &str) -> Option<(&str, bool)> {
    let (hash, thumb) = match name.strip_suffix(".thumb.jpg") {
        Some(h) => (h, true),
        None => (name.strip_suffix(".jpg")?, false),
    };
    (hash.len() == 64 && hash.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')))
        .then_some((hash, thumb))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(format: ImageFormat) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(640, 400, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        }));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn jpeg_png_and_webp_become_jpeg_with_a_thumbnail() {
        for format in [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP] {
            let p = process(&sample(format)).unwrap();
            assert_eq!(sniff(&p.jpeg), Some(ImageFormat::Jpeg));
            assert_eq!((p.width, p.height), (640, 400));
            let t = image::load_from_memory(&p.thumb).unwrap();
            assert_eq!((t.width(), t.height()), (320, 200));
            assert_eq!(p.hash, tokens::hex(&Sha256::digest(&p.jpeg)));
        }
    }

    #[test]
    fn other_content_and_truncated_files_are_refused() {
        assert!(matches!(
            process(b"<?php system($_GET['c']); ?>"),
            Err(PhotoError::NotAnImage)
        ));
        let jpeg = sample(ImageFormat::Jpeg);
        assert!(matches!(
            process(&jpeg[..jpeg.len() / 2]),
            Err(PhotoError::Broken(_))
        ));
        let png = sample(ImageFormat::Png);
        assert!(matches!(
            process(&png[..png.len() / 2]),
            Err(PhotoError::Broken(_))
        ));
    }

    #[test]
    fn only_hash_names_are_served() {
        let h = "a".repeat(64);
        assert_eq!(
            parse_file_name(&format!("{h}.jpg")),
            Some((h.as_str(), false))
        );
        assert_eq!(
            parse_file_name(&format!("{h}.thumb.jpg")),
            Some((h.as_str(), true))
        );
        assert_eq!(parse_file_name("../../etc/passwd.jpg"), None);
        assert_eq!(parse_file_name(&format!("{}.jpg", "A".repeat(64))), None);
    }
}
