//! Tools of every kind, FunctionDeclaration, ToolConfig and FunctionCallingConfig.
