package dev.rafiki.platform.openapi;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The types a feature's resources answer with, whose schemas the OpenAPI document gets from
 * {@link ViewSchemas}. Each feature lists its own and registers the list in
 * {@code META-INF/services/dev.rafiki.platform.openapi.ViewTypes}, since this layer cannot name
 * the features' types. {@code ViewTypesTest} checks the lists against the resources.
 */
public interface ViewTypes {

    /** Records (what they reach comes along), or generic records named with {@link #named}. */
    List<Type> types();

    /** A generic record with its type arguments, under the component name the resources refer to (a page of sessions: {@code SessionPage}). */
    static Type named(String name, Class<?> generic, Type... arguments) {
        if (!generic.isRecord() || generic.getTypeParameters().length != arguments.length) {
            throw new IllegalArgumentException(generic + " is not a generic record of " + arguments.length + " type parameters");
        }
        return new Named(Objects.requireNonNull(name), generic, arguments.clone());
    }

    /** A generic type with its arguments bound: what the two records below share. */
    interface Bound extends ParameterizedType {

        Class<?> raw();

        Type[] arguments();

        @Override
        default Type[] getActualTypeArguments() {
            return arguments().clone();
        }

        @Override
        default Type getRawType() {
            return raw();
        }

        @Override
        default Type getOwnerType() {
            return raw().getDeclaringClass();
        }
    }

    /** A generic record's instance under a component name of its own. */
    record Named(String name, Class<?> raw, Type[] arguments) implements Bound {

        @Override
        public boolean equals(Object other) {
            return other instanceof Named that && name.equals(that.name) && raw.equals(that.raw)
                    && Arrays.equals(arguments, that.arguments);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, raw, Arrays.hashCode(arguments));
        }

        @Override
        public String getTypeName() {
            return name + " (" + raw.getName() + Arrays.toString(arguments) + ")";
        }
    }

    /** A generic member type whose type variables were bound (a page's {@code List<T>}). */
    record Generic(Class<?> raw, Type[] arguments) implements Bound {

        @Override
        public boolean equals(Object other) {
            return other instanceof Generic that && raw.equals(that.raw) && Arrays.equals(arguments, that.arguments);
        }

        @Override
        public int hashCode() {
            return Objects.hash(raw, Arrays.hashCode(arguments));
        }
    }
}
