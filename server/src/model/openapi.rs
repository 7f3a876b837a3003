//! OpenAPI documents: operations, `$ref` resolution across files.
