//! The page bundles besides the map, chosen by the path:
//! - the survey bundle (bin `survey`, `survey.html` → `dist/s/`, [`mount`]): the resident's
//!   满意度调查 form (`/survey`), the public indicator page (`/indicators`) and the staff pages
//!   (`/staff…`). No Leaflet, no walking engine: a small bundle for cheap phones.
//! - the desk bundle (bin `desk`, `desk.html` → `dist/m/`, [`mount_desk`]): merchant
//!   registration (`/merchant`) and the owner's page (`/merchant/manage`), the staff's review
//!   of registrations (`/staff/registrations`) and circle editor (`/staff/circles`). These need
//!   a map, so the page loads Leaflet; the staff login is the survey bundle's.
//!
//! Chinese first, English and elderly mode as on the map (`ui::i18n`, `ui::settings`,
//! `ui::storage`). Each binary mounts only its own pages, so the linker leaves the others out.

mod api;
mod charts;
mod circles;
mod code_sheet;
mod draft;
mod grade;
mod indicators;
mod load;
mod merchant;
mod outbox;
mod random_id;
mod review;
mod shell;
mod staff;
mod survey_form;

use crate::ui::i18n::{self, tr};
use leptos::prelude::*;

/// Which page a path shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Survey,
    Indicators,
    Staff,
    Unknown,
}

impl Page {
    /// `/survey`, `/indicators`, `/staff` and anything below them.
    pub fn from_path(path: &str) -> Page {
        let under = |base: &str| {
            path.strip_prefix(base)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        };
        if under("/survey") {
            Page::Survey
        } else if under("/indicators") {
            Page::Indicators
        } else if under("/staff") {
            Page::Staff
        } else {
            Page::Unknown
        }
    }
}

pub fn mount() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    i18n::init();
    let path = window().location().pathname().unwrap_or_default();
    let page = Page::from_path(&path);
    let title = match page {
        Page::Survey => tr("满意度调查", "Satisfaction survey"),
        Page::Indicators => tr("满意度指标", "Satisfaction indicators"),
        Page::Staff => tr("工作人员", "Staff"),
        Page::Unknown => tr("一刻钟便民生活圈", "15-minute circle"),
    };
    document().set_title(&format!(
        "{title} · {}",
        tr("一刻钟便民生活圈", "15-minute circle")
    ));
    leptos::mount::mount_to_body(move || {
        let body = match page {
            Page::Survey => view! { <survey_form::SurveyPage /> }.into_any(),
            Page::Indicators => view! { <indicators::IndicatorsPage /> }.into_any(),
            Page::Staff => view! { <staff::StaffPage /> }.into_any(),
            Page::Unknown => view! { <NotFound /> }.into_any(),
        };
        view! {
            <shell::TopBar title />
            {body}
        }
    });
    if let Some(splash) = document().get_element_by_id("splash") {
        splash.remove();
    }
}

/// Which desk page a path shows (`desk.html`; the server answers these paths with it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskPage {
    /// `/merchant`: the registration form (商户入驻).
    Register,
    /// `/merchant/manage#token=…`: the owner's listing (the token stays in the fragment, never
    /// in a request line or a server log).
    Manage,
    /// `/staff/registrations`: the review queue.
    Review,
    /// `/staff/circles`: the circles, created and edited on the map.
    Circles,
    Unknown,
}

impl DeskPage {
    pub fn from_path(path: &str) -> DeskPage {
        let path = path.trim_end_matches('/');
        match path {
            "/merchant" | "/merchant/register" => DeskPage::Register,
            "/merchant/manage" => DeskPage::Manage,
            "/staff/registrations" => DeskPage::Review,
            _ if path == "/staff/circles" || path.starts_with("/staff/circles/") => {
                DeskPage::Circles
            }
            _ => DeskPage::Unknown,
        }
    }
}

pub fn mount_desk() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    i18n::init();
    let path = window().location().pathname().unwrap_or_default();
    let page = DeskPage::from_path(&path);
    let title = match page {
        DeskPage::Register => tr("商户入驻", "Register your shop"),
        DeskPage::Manage => tr("管理我的店铺", "Manage my listing"),
        DeskPage::Review => tr("入驻审核", "Review registrations"),
        DeskPage::Circles => tr("生活圈范围", "Circle boundaries"),
        DeskPage::Unknown => tr("一刻钟便民生活圈", "15-minute circle"),
    };
    document().set_title(&format!(
        "{title} · {}",
        tr("一刻钟便民生活圈", "15-minute circle")
    ));
    leptos::mount::mount_to_body(move || {
        let body = match page {
            DeskPage::Register => view! { <merchant::RegisterPage /> }.into_any(),
            DeskPage::Manage => view! { <merchant::ManagePage /> }.into_any(),
            DeskPage::Review => view! { <review::ReviewPage /> }.into_any(),
            DeskPage::Circles => view! { <circles::CirclesPage /> }.into_any(),
            DeskPage::Unknown => view! { <NotFound /> }.into_any(),
        };
        view! {
            <shell::TopBar title />
            {body}
        }
    });
    if let Some(splash) = document().get_element_by_id("splash") {
        splash.remove();
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <main class="page">
            <div class="state">
                <h1 class="state-title">{tr("没有这个页面", "No such page")}</h1>
                <p><a href="/">{tr("返回便民地图", "Back to the map")}</a></p>
            </div>
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::{DeskPage, Page};

    #[test]
    fn paths_choose_the_page() {
        assert_eq!(Page::from_path("/survey"), Page::Survey);
        assert_eq!(Page::from_path("/survey/"), Page::Survey);
        assert_eq!(Page::from_path("/indicators"), Page::Indicators);
        assert_eq!(Page::from_path("/staff"), Page::Staff);
        assert_eq!(Page::from_path("/staff/codes"), Page::Staff);
        assert_eq!(Page::from_path("/staffroom"), Page::Unknown);
        assert_eq!(Page::from_path("/s/index.html"), Page::Unknown);
        assert_eq!(Page::from_path("/"), Page::Unknown);
    }

    #[test]
    fn paths_choose_the_desk_page() {
        assert_eq!(DeskPage::from_path("/merchant"), DeskPage::Register);
        assert_eq!(DeskPage::from_path("/merchant/"), DeskPage::Register);
        assert_eq!(DeskPage::from_path("/merchant/manage"), DeskPage::Manage);
        assert_eq!(
            DeskPage::from_path("/staff/registrations"),
            DeskPage::Review
        );
        assert_eq!(DeskPage::from_path("/staff/circles"), DeskPage::Circles);
        assert_eq!(DeskPage::from_path("/staff/circles/new"), DeskPage::Circles);
        assert_eq!(DeskPage::from_path("/staff"), DeskPage::Unknown);
        assert_eq!(DeskPage::from_path("/merchants"), DeskPage::Unknown);
    }
}
