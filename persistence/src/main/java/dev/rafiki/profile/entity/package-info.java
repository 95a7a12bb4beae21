/** Agent profiles and their immutable versions. */
package dev.rafiki.profile.entity;
