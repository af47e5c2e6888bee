//! Where the walk starts: the device (if the resident allows it and is on the circle's streets),
//! a tap on the map, a shared link's point, or else the circle's centre — and the words for each.

use super::i18n::{tr, trf};
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
            OriginKind::Device => tr("我的位置", "my location"),
            OriginKind::Centre(_) => tr("生活圈中心", "the circle's centre"),
            OriginKind::Tap => tr("地图上选的点", "the point chosen on the map"),
            OriginKind::Link => tr("链接中的位置", "the point in the link"),
        }
    }

    /// The word on the map pin.
    pub fn pin(self) -> &'static str {
        match self {
            OriginKind::Device => tr("我的位置", "Me"),
            _ => tr("起点", "Start"),
        }
    }

    /// The notice on the map when the walk starts at the centre for want of a better point.
    pub fn notice(self) -> Option<&'static str> {
        Some(match self {
            OriginKind::Centre(CentreWhy::Locating) => {
                tr("正在获取您的位置…暂以生活圈中心为起点 · 点地图可换起点", "Finding your location… walking from the circle's centre for now · tap the map to change")
            }
            OriginKind::Centre(CentreWhy::NoPosition) => {
                tr("未获取到您的位置，以生活圈中心为起点 · 点地图可换起点", "Your location is unknown; walking from the circle's centre · tap the map to change")
            }
            OriginKind::Centre(CentreWhy::Outside) => {
                tr("您不在本生活圈附近，以生活圈中心为起点 · 点地图可换起点", "You are not near this circle; walking from its centre · tap the map to change")
            }
            OriginKind::Centre(CentreWhy::BadLink) => {
                tr("链接里的起点不在本生活圈的街道上，已改用生活圈中心 · 点地图可换起点", "The link's starting point is not on this circle's streets; walking from the centre · tap the map to change")
            }
            _ => return None,
        })
    }
}

/// Said when "用我的位置" did not work; the origin stays.
pub fn locate_failed_text(e: LocateError) -> &'static str {
    match e {
        LocateError::Denied => tr("没有定位权限：请在浏览器设置里允许定位，起点没有变", "No permission to locate you: allow location in the browser's settings. The start is unchanged"),
        LocateError::Unsupported => tr("这个浏览器不能定位，起点没有变", "This browser cannot locate you. The start is unchanged"),
        LocateError::Unavailable | LocateError::Timeout => tr("暂时获取不到您的位置，起点没有变", "Your location is not available right now. The start is unchanged"),
    }
}

/// Said when a tap is too far from any street to walk from.
pub fn off_network_text(meters: f64) -> String {
    trf!("这里离最近的街道约 {meters:.0} 米，不能作为起点 · 请点在街道附近", "This point is about {meters:.0} m from the nearest street and cannot be a start · tap near a street")
}

pub fn outside_text() -> &'static str {
    tr(
        "您不在本生活圈附近，起点没有变",
        "You are not near this circle. The start is unchanged",
    )
}

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
