package dev.flexserve.model.tokenizer;

import java.util.OptionalInt;

/**
 * Stands in for the tokenizer of a package that ships none (a model trained on ids only). Only the
 * end-of-text id is known; every text operation explains that the client must use token ids.
 */
final class NoTokenizer implements Tokenizer {

    private final OptionalInt eosTokenId;

    NoTokenizer(OptionalInt eosTokenId) {
        this.eosTokenId = eosTokenId;
    }

    @Override
    public int[] encode(String text) {
        throw noTokenizer();
    }

    @Override
    public String decode(int[] ids) {
        throw noTokenizer();
    }

    @Override
    public TextStream newTextStream() {
        throw noTokenizer();
    }

    @Override
    public boolean handlesText() {
        return false;
    }

    @Override
    public OptionalInt eosTokenId() {
        return eosTokenId;
    }

    /** Unknown without a tokenizer: the model config's vocabulary size is the authority. */
    @Override
    public int vocabularySize() {
        throw noTokenizer();
    }

    private static IllegalStateException noTokenizer() {
        return new IllegalStateException("the model package has no tokenizer; token ids must be given instead of text");
    }
}
