//! Where the walk starts: the device (if the resident allows it and is on the circle's streets),
//! a tap on the map, a shared link's point, or else the circle's centre — and the words for each.

use super::locate::LocateError;
use crate::walk::Snap;

/// Why the walk starts at the circle's centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CentreWhy {
    /// The device position was asked for and has not come yet.
    Locating,
    /// Refused, unavailable or too slow.
    NoPosition,
    /// The device is not on this circle's streets.
    Outside,
    /// A link's `from=` is not on this circle's streets.
    BadLink,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginKind {
    Device,
    Centre(CentreWhy),
    Tap,
    Link,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Origin {
    pub kind: OriginKind,
    /// The point as asked (6 decimals, as in the URL); the walk starts where it meets a street.
    pub point: [f64; 2],
    pub snap: Snap,
}

impl OriginKind {
    /// For test hooks and CSS: device, centre, tap or link.
    pub fn code(self) -> &'static str {
        match self {
            OriginKind::Device => "device",
            OriginKind::Centre(_) => "centre",
            OriginKind::Tap => "tap",
            OriginKind::Link => "link",
        }
    }

    /// "起点：…" in the sheet and the card.
    pub fn label(self) -> &'static str {
        match self {
            OriginKind::Device => "我的位置",
            OriginKind::Centre(_) => "生活圈中心",
            OriginKind::Tap => "地图上选的点",
            OriginKind::Link => "链接中的位置",
        }
    }

    /// The word on the map pin.
    pub fn pin(self) -> &'static str {
        match self {
            OriginKind::Device => "我的位置",
            _ => "起点",
        }
    }

    /// The notice on the map when the walk starts at the centre for want of a better point.
    pub fn notice(self) -> Option<&'static str> {
        Some(match self {
            OriginKind::Centre(CentreWhy::Locating) => {
                "正在获取您的位置…暂以生活圈中心为起点 · 点地图可换起点"
            }
            OriginKind::Centre(CentreWhy::NoPosition) => {
                "未获取到您的位置，以生活圈中心为起点 · 点地图可换起点"
            }
            OriginKind::Centre(CentreWhy::Outside) => {
                "您不在本生活圈附近，以生活圈中心为起点 · 点地图可换起点"
            }
            OriginKind::Centre(CentreWhy::BadLink) => {
                "链接里的起点不在本生活圈的街道上，已改用生活圈中心 · 点地图可换起点"
            }
            _ => return None,
        })
    }
}

/// Said when "用我的位置" did not work; the origin stays.
pub fn locate_failed_text(e: LocateError) -> &'static str {
    match e {
        LocateError::Denied => "没有定位权限：请在浏览器设置里允许定位，起点没有变",
        LocateError::Unsupported => "这个浏览器不能定位，起点没有变",
        LocateError::Unavailable | LocateError::Timeout => "暂时获取不到您的位置，起点没有变",
    }
}

/// Said when a tap is too far from any street to walk from.
pub fn off_network_text(meters: f64) -> String {
    format!("这里离最近的街道约 {meters:.0} 米，不能作为起点 · 请点在街道附近")
}

pub const OUTSIDE_TEXT: &str = "您不在本生活圈附近，起点没有变";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_centre_needs_a_notice() {
        assert!(OriginKind::Centre(CentreWhy::NoPosition)
            .notice()
            .unwrap()
            .contains("以生活圈中心为起点"));
        assert_eq!(OriginKind::Device.notice(), None);
        assert_eq!(OriginKind::Tap.notice(), None);
        assert_eq!(OriginKind::Device.pin(), "我的位置");
        assert_eq!(OriginKind::Tap.pin(), "起点");
        assert_eq!(
            off_network_text(523.4),
            "这里离最近的街道约 523 米，不能作为起点 · 请点在街道附近"
        );
    }
}
