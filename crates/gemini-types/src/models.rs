//! Model resources and models.list/get.
