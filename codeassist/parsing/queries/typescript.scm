; Definitions codeassist turns into CodeUnits (tree-sitter-typescript, also used for TSX).
; @name / @definition.<kind> convention; a function whose nearest enclosing
; definition is a class becomes a method.
; Overload signatures (`function_signature`, class `method_signature`) and interface
; members are not units: the implementation that follows them is.

(function_declaration
  name: (identifier) @name) @definition.function

(generator_function_declaration
  name: (identifier) @name) @definition.function

(class_declaration
  name: (_) @name) @definition.class

(abstract_class_declaration
  name: (_) @name) @definition.class

; `const Foo = class { ... }` names the class through its variable.
(variable_declarator
  name: (identifier) @name
  value: (class)) @definition.class

; `const f = () => ...` and `var g = function () {}`: the variable names the function.
(variable_declarator
  name: (identifier) @name
  value: [(arrow_function) (function_expression) (generator_function)]) @definition.function

; `declare function f(): void;`, alone or inside `declare namespace` / `declare global`:
; units without a body (stubs).
(ambient_declaration
  (function_signature
    name: (identifier) @name) @definition.function)

(ambient_declaration
  (statement_block
    (function_signature
      name: (identifier) @name) @definition.function))

(ambient_declaration
  (_
    body: (statement_block
      (function_signature
        name: (identifier) @name) @definition.function)))

(ambient_declaration
  (_
    body: (statement_block
      (export_statement
        declaration: (function_signature
          name: (identifier) @name) @definition.function))))

; Members of named classes only: object-literal methods and anonymous class
; expressions would get a misleading qualname.
(class_declaration
  body: (class_body
    (method_definition
      name: (_) @name) @definition.function))

(abstract_class_declaration
  body: (class_body
    [(method_definition
      name: (_) @name)
     (abstract_method_signature
      name: (_) @name)] @definition.function))

(class_declaration
  body: (class_body
    (public_field_definition
      name: (_) @name
      value: [(arrow_function) (function_expression) (generator_function)]) @definition.function))

(abstract_class_declaration
  body: (class_body
    (public_field_definition
      name: (_) @name
      value: [(arrow_function) (function_expression) (generator_function)]) @definition.function))

(variable_declarator
  value: (class
    body: (class_body
      (method_definition
        name: (_) @name) @definition.function)))

(variable_declarator
  value: (class
    body: (class_body
      (public_field_definition
        name: (_) @name
        value: [(arrow_function) (function_expression) (generator_function)]) @definition.function)))

; `namespace Internal { function reset() }` → `Internal.reset`, still a function.
(internal_module
  name: (_) @name
  body: (statement_block)) @namespace

(module
  name: (_) @name
  body: (statement_block)) @namespace

; `res.status = function status(code) {}`, `Foo.prototype.bar = function () {}` and
; `exports.x = ...`: the property names the function (`module.exports = ...` names none).
(expression_statement
  (assignment_expression
    left: (member_expression
      property: (property_identifier) @name)
    right: [(arrow_function) (function_expression) (generator_function)]) @definition.function
  (#not-eq? @name "exports"))

; Comments, for suppression directives.
(comment) @comment
