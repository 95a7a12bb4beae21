package dev.rafiki.platform.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The settings holders' defaults outside a container. A holder declares each key's default once,
 * in its {@code @ConfigProperty}; code built with {@code new} (unit tests, tools) gets the same
 * values from {@link #defaults(Class)} rather than a second copy of them.
 */
public final class Settings {

    private Settings() {
    }

    /**
     * A holder with every field set to its declared default: empty for an {@code Optional} without
     * one, null for any other field without one.
     *
     * @throws IllegalArgumentException when a default cannot be converted to its field's type
     */
    public static <T> T defaults(Class<T> holder) {
        try {
            var settings = holder.getDeclaredConstructor().newInstance();
            for (var field : holder.getDeclaredFields()) {
                var property = field.getAnnotation(ConfigProperty.class);
                if (property == null || Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                field.setAccessible(true);
                field.set(settings, value(field, property.defaultValue()));
            }
            return settings;
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(holder + " cannot be built with its defaults", e);
        }
    }

    private static Object value(Field field, String text) {
        boolean none = ConfigProperty.UNCONFIGURED_VALUE.equals(text);
        if (field.getType() == Optional.class) {
            var type = (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
            return none ? Optional.empty() : Optional.of(convert(type, text));
        }
        if (none) {
            if (field.getType().isPrimitive()) {
                throw new IllegalArgumentException(field + " has no default");
            }
            return null;
        }
        return convert(field.getType(), text);
    }

    private static Object convert(Class<?> type, String text) {
        if (type == String.class) {
            return text;
        } else if (type == int.class || type == Integer.class) {
            return Integer.valueOf(text);
        } else if (type == long.class || type == Long.class) {
            return Long.valueOf(text);
        } else if (type == boolean.class || type == Boolean.class) {
            return Boolean.valueOf(text);
        } else if (type == double.class || type == Double.class) {
            return Double.valueOf(text);
        } else if (type == Duration.class) {
            return Duration.parse(text);
        }
        throw new IllegalArgumentException("no conversion of a default to " + type);
    }
}
