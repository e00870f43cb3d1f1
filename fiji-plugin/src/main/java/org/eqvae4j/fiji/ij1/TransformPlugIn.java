package org.eqvae4j.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import org.eqvae4j.fiji.EqvaeOps;
import org.eqvae4j.fiji.LatentImages;

/** Plugins > EQ-VAE > EQ-VAE Transform Latent: scale, rotate, flip or crop the current latent. */
public final class TransformPlugIn extends EqvaePlugIn {
    static final String HELP = "Steps, applied in order: scale=S or SYxSX, rot=K (clockwise quarter turns), flip=h|v,"
            + "\ncrop=y:x:h:w (latent pixels), interp=bilinear|bicubic|nearest";

    @Override
    String title() {
        return "EQ-VAE Transform Latent";
    }

    @Override
    void execute() throws Exception {
        ImagePlus imp = currentImage();
        LatentImages.read(imp); // a clear error before the dialog when this is no latent
        GenericDialog gd = new GenericDialog(title());
        gd.addStringField("Transform", "scale=0.5,rot=1", 24);
        gd.addMessage(HELP);
        gd.showDialog();
        if (gd.wasCanceled()) {
            return;
        }
        EqvaeOps.transform(imp, gd.getNextString()).show();
    }
}
