//! StreamAccumulator: folds streamed GenerateContentResponse chunks into one response.
