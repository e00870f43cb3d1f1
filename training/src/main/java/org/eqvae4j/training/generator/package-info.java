/** What the flow-matching and MaskGIT generator experiments share: arms x seeds statistics, CSV and band charts. */
package org.eqvae4j.training.generator;
