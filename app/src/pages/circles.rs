//! The staff's circle editor. (Being built.)

use super::staff::StaffOnly;
use leptos::prelude::*;

#[component]
pub fn CirclesPage() -> impl IntoView {
    view! { <StaffOnly render=|_, _| ().into_any() /> }
}
