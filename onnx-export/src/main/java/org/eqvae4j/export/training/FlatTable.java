package org.eqvae4j.export.training;

import com.google.flatbuffers.Table;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Read access to one flatbuffer table by field slot (0-based declaration order), as flatc-generated
 * accessors would give, plus the bounds checks generated Java code leaves out: a corrupt or truncated
 * buffer ends in a {@link FormatException}, never in a huge allocation or a wrong value read past the end.
 */
final class FlatTable extends Table {

    /** The buffer does not hold what the schema says; the message says where. */
    static final class FormatException extends RuntimeException {
        FormatException(String message) {
            super(message);
        }
    }

    private FlatTable(ByteBuffer buffer, int position) {
        __reset(position, buffer);
    }

    /** The root table of a finished buffer (the offset in its first four bytes). */
    static FlatTable root(ByteBuffer buffer) {
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        return new FlatTable(buffer, checkedPosition(buffer, buffer.position() + buffer.getInt(buffer.position()), 4));
    }

    int getInt(int slot, int fallback) {
        int o = fieldOffset(slot);
        return o == 0 ? fallback : bb.getInt(bb_pos + o);
    }

    long getLong(int slot, long fallback) {
        int o = fieldOffset(slot);
        return o == 0 ? fallback : bb.getLong(bb_pos + o);
    }

    float getFloat(int slot, float fallback) {
        int o = fieldOffset(slot);
        return o == 0 ? fallback : bb.getFloat(bb_pos + o);
    }

    boolean getBoolean(int slot, boolean fallback) {
        int o = fieldOffset(slot);
        return o == 0 ? fallback : bb.get(bb_pos + o) != 0;
    }

    /** The string in a slot, or null when the field is absent. */
    String string(int slot) {
        int o = fieldOffset(slot);
        return o == 0 ? null : stringAt(__indirect(bb_pos + o));
    }

    /** The table in a slot, or null when the field is absent. */
    FlatTable table(int slot) {
        int o = fieldOffset(slot);
        return o == 0 ? null : new FlatTable(bb, checkedPosition(bb, __indirect(bb_pos + o), 4));
    }

    /** The tables of a vector field, or null when the field is absent. */
    List<FlatTable> tables(int slot) {
        int o = fieldOffset(slot);
        if (o == 0) {
            return null;
        }
        int start = vectorStart(o, 4);
        int length = __vector_len(o);
        List<FlatTable> tables = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            tables.add(new FlatTable(bb, checkedPosition(bb, __indirect(start + 4 * i), 4)));
        }
        return tables;
    }

    /** A [int64] field, or null when absent. */
    long[] longs(int slot) {
        int o = fieldOffset(slot);
        if (o == 0) {
            return null;
        }
        int start = vectorStart(o, 8);
        long[] values = new long[__vector_len(o)];
        for (int i = 0; i < values.length; i++) {
            values[i] = bb.getLong(start + 8 * i);
        }
        return values;
    }

    /** A [uint8] field, or null when absent. */
    byte[] bytes(int slot) {
        int o = fieldOffset(slot);
        if (o == 0) {
            return null;
        }
        int start = vectorStart(o, 1);
        byte[] values = new byte[__vector_len(o)];
        bb.get(start, values);
        return values;
    }

    private int fieldOffset(int slot) {
        return __offset(4 + 2 * slot);
    }

    /** Start of a vector's elements, after checking that all of them lie inside the buffer. */
    private int vectorStart(int fieldOffset, int elementSize) {
        int start = __vector(fieldOffset);
        long end = start + (long) __vector_len(fieldOffset) * elementSize;
        if (start < 0 || __vector_len(fieldOffset) < 0 || end > bb.limit()) {
            throw new FormatException(
                    "a vector at byte " + start + " runs past the end of the data (" + bb.limit() + " bytes)");
        }
        return start;
    }

    private String stringAt(int position) {
        checkedPosition(bb, position, 4);
        int length = bb.getInt(position);
        int start = position + 4;
        if (length < 0 || start + (long) length > bb.limit()) {
            throw new FormatException(
                    "a string at byte " + position + " runs past the end of the data (" + bb.limit() + " bytes)");
        }
        byte[] utf8 = new byte[length];
        bb.get(start, utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int checkedPosition(ByteBuffer buffer, int position, int size) {
        if (position < 0 || position + (long) size > buffer.limit()) {
            throw new FormatException(
                    "an offset points to byte " + position + ", outside the data (" + buffer.limit() + " bytes)");
        }
        return position;
    }
}
