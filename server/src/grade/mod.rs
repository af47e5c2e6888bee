//! 生活圈评价 (issue 8): a circle's grade computed from the live data — coverage with the walking
//! engine, the outlets inside the circle, the survey's latest round — plus what staff enter
//! (items the data cannot tell, the city tier, the outlet census), and the grades recorded on
//! evaluation dates. The scoring itself is the domain's (`app::domain::grade`).

pub mod facts;
pub mod gaps;
pub mod handlers;
pub mod store;
