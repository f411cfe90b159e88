; Rust definitions codeassist turns into CodeUnits (@name / @definition.<kind>).
; A trait is a unit that contains its methods; an `impl` block is only a @scope:
; it names and turns into methods the functions inside it, but is not a unit.

(struct_item
  name: (type_identifier) @name) @definition.class

(enum_item
  name: (type_identifier) @name) @definition.class

(union_item
  name: (type_identifier) @name) @definition.class

(trait_item
  name: (type_identifier) @name) @definition.class

(function_item
  name: (identifier) @name) @definition.function

; Trait methods without a default body (and `extern` declarations).
(function_signature_item
  name: (identifier) @name) @definition.function

; `impl Foo`, `impl<T> Trait for Foo<T>`, `impl a::Foo`, `impl Trait for &Foo`:
; the scope is named by the implementing type's last path segment, without generics.
(impl_item
  type: [
    (type_identifier) @name
    (scoped_type_identifier name: (type_identifier) @name)
    (generic_type type: [
      (type_identifier) @name
      (scoped_type_identifier name: (type_identifier) @name)])
    (reference_type type: [
      (type_identifier) @name
      (scoped_type_identifier name: (type_identifier) @name)
      (generic_type type: [
        (type_identifier) @name
        (scoped_type_identifier name: (type_identifier) @name)])])
  ]) @scope

; Types without a path name (`impl Trait for [T]`, `for (A, B)`, `for i32`): the
; type as written names the scope.
(impl_item
  type: [
    (primitive_type)
    (array_type)
    (tuple_type)
    (pointer_type)
    (function_type)
    (dynamic_type)
    (unit_type)
    (never_type)
    (abstract_type)
    (reference_type type: [(primitive_type) (array_type) (tuple_type) (dynamic_type)])
  ] @name) @scope

; `mod tests { fn helper() }` → `tests::helper`, still a function.
(mod_item
  name: (identifier) @name
  body: (declaration_list)) @namespace

; Comments, for suppression directives.
(line_comment) @comment
(block_comment) @comment
