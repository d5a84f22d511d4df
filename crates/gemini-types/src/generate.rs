//! generateContent / streamGenerateContent requests and responses: GenerateContentRequest, GenerateContentResponse, Candidate, FinishReason, PromptFeedback, response helpers.
