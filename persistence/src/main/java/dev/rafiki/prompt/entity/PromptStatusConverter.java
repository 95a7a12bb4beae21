package dev.rafiki.prompt.entity;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Locale;

@Converter(autoApply = true)
public class PromptStatusConverter implements AttributeConverter<PromptStatus, String> {

    @Override
    public String convertToDatabaseColumn(PromptStatus status) {
        return status == null ? null : status.wire();
    }

    @Override
    public PromptStatus convertToEntityAttribute(String value) {
        return value == null ? null : PromptStatus.valueOf(value.toUpperCase(Locale.ROOT));
    }
}
