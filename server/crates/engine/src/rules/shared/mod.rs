//! What several rules' fixes share: the API's response catalog and
//! pagination style (`openapi`), dictionary rows and names (`dictionary`),
//! requirement ranking and IDs (`requirements`), and name similarity.
//! Text editing itself is [`crate::edit`]'s.

pub mod alignment;
pub mod dictionary;
pub mod openapi;
pub mod requirements;
pub mod security;
pub mod similarity;
