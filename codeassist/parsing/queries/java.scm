; Definitions codeassist turns into CodeUnits (tree-sitter-java).
; Members are captured as methods directly: in Java every function is a member.
; Only members of declared types count; methods of anonymous classes and enum-constant
; bodies override something documented elsewhere.

(class_declaration
  name: (identifier) @name) @definition.class

(interface_declaration
  name: (identifier) @name) @definition.class

(enum_declaration
  name: (identifier) @name) @definition.class

(record_declaration
  name: (identifier) @name) @definition.class

(class_declaration
  body: (class_body
    [(method_declaration
      name: (identifier) @name)
     (constructor_declaration
      name: (identifier) @name)] @definition.method))

(record_declaration
  body: (class_body
    [(method_declaration
      name: (identifier) @name)
     (constructor_declaration
      name: (identifier) @name)
     (compact_constructor_declaration
      name: (identifier) @name)] @definition.method))

(interface_declaration
  body: (interface_body
    (method_declaration
      name: (identifier) @name) @definition.method))

(enum_declaration
  body: (enum_body
    (enum_body_declarations
      [(method_declaration
        name: (identifier) @name)
       (constructor_declaration
        name: (identifier) @name)] @definition.method)))

; Comments, for suppression directives.
(line_comment) @comment
(block_comment) @comment
