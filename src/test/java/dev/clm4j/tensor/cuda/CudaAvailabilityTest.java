package dev.clm4j.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clm4j.tensor.Backend;
import dev.clm4j.tensor.Backends;
import org.junit.jupiter.api.Test;

/** Availability is a question, never an exception; without a GPU the factory says why. */
class CudaAvailabilityTest {

    @Test
    void availabilityAnswersWithoutThrowing() {
        boolean available = CudaBackend.isAvailable();
        String reason = CudaBackend.unavailableReason();
        System.out.println("[cuda] available: " + available + (available ? "" : " (" + reason + ")"));
        if (available) {
            assertNull(reason);
            try (Backend b = Backends.create("cuda", 0)) {
                assertEquals("cuda", b.name());
                System.out.println("[cuda] " + ((CudaBackend) b).describe());
            }
        } else {
            assertFalse(reason == null || reason.isBlank());
            UnsupportedOperationException e =
                    assertThrows(UnsupportedOperationException.class, () -> Backends.create("cuda", 0));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
    }
}
