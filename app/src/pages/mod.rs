//! The survey bundle (bin `survey`, `survey.html` → `dist/s/`): the resident's 满意度调查 form
//! (`/survey`), the public indicator page (`/indicators`) and the staff pages (`/staff…`),
//! chosen by the path. Chinese first, English and elderly mode as on the map (the library's
//! `ui::i18n`, `ui::settings`, `ui::storage`). No Leaflet, no walking engine: a small bundle for
//! cheap phones. These modules belong to the `survey` binary, not to the library, so adding
//! them leaves the map's bundle as it was.

mod api;
mod charts;
mod code_sheet;
mod draft;
mod grade;
mod indicators;
mod load;
mod outbox;
mod random_id;
mod shell;
mod staff;
mod survey_form;

use app::ui::i18n::{self, tr};
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
    use super::Page;

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
}
