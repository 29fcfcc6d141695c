package io.ferrolb.app.controller;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** The {@code --lb-class} this controller serves; "" serves Services without a class. */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface LbClass {}
